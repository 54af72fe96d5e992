"""What readers' pages show of newsletters, as a page-cache tag (see newsroom/pagecache/tags.py).

`newsletters`: the lists offered on the sign-up form (the home page, each section's page, the
foot of every story). Purged when the desk changes a list (`offered.changed()`).
"""

NEWSLETTERS = "newsletters"
