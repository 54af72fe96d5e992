"""The articles app's models, one module per concept; import them from here."""

from articles.models.addresses import FormerSlug
from articles.models.article import (
    ARTICLE_SEARCH_VECTOR,
    Article,
    ArticleQuerySet,
    published_q,
)
from articles.models.authors import Author
from articles.models.bylines import Byline
from articles.models.notes import ArticleNote
from articles.models.records import PreviewLink, Revision, WorkingCopy
from articles.models.related import MAX_CHOSEN, RelatedChoice, RelatedLink
from articles.models.topics import RESERVED_SLUGS, Topic, validate_topic_slug

__all__ = [
    "ARTICLE_SEARCH_VECTOR",
    "MAX_CHOSEN",
    "RESERVED_SLUGS",
    "Article",
    "ArticleNote",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "FormerSlug",
    "PreviewLink",
    "RelatedChoice",
    "RelatedLink",
    "Revision",
    "Topic",
    "WorkingCopy",
    "published_q",
    "validate_topic_slug",
]
