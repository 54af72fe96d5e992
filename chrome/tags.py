"""What the header and footer show, as a page-cache tag (see newsroom/pagecache/tags.py).

`chrome`: the header and footer of every page (top bar, banner, footer pages). Every page
carries it (the shell's context processor tags it); `chrome/purging.py` says what purges it.
"""

CHROME = "chrome"
