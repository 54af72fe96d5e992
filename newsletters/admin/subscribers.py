"""The desk's pages for lists and subscribers."""
