"""The desk's pages for newsletters: lists and subscribers (`subscribers`), editions and their
sending (`editions`)."""

from newsletters.admin import editions, subscribers  # noqa: F401 - each registers its models
