"""The articles app in the admin (the desk): one module for the article, one for the rest."""

from articles.admin import article, library

__all__ = ["article", "library"]
