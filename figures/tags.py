"""What readers' pages show of the figures, as a page-cache tag (see newsroom/pagecache/tags.py).

One tag, `most-read`: the ranking of the most-read stories, under every story and wherever else
it is shown. It is purged when the ranking's order changes, at most every
`most_read.REFRESH_MINUTES`, never for a view."""

MOST_READ = "most-read"
