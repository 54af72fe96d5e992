"""Search: published articles only, headline matches first.

PostgreSQL ranks with its full-text search (a GIN index on a weighted vector: headline, then
standfirst, then body). Other databases get a portable search with the same order of weights.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from articles.models import Article

MAX_LENGTH = 200
MAX_WORDS = 12
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...]
    shortened: bool  # the reader typed more than we search for, and is told so

    def __bool__(self):
        return bool(self.words)


def parse(raw: str | None) -> Query:
    """The words of a reader's query, at most MAX_WORDS of them from its first MAX_LENGTH
    characters; punctuation and control characters are ignored."""
    text = " ".join((raw or "").split())
    words = tuple(dict.fromkeys(w.lower() for w in _WORD.findall(text[:MAX_LENGTH])))
    shortened = len(text) > MAX_LENGTH or len(words) > MAX_WORDS
    return Query(text=text[:MAX_LENGTH], words=words[:MAX_WORDS], shortened=shortened)


def search(query: Query) -> QuerySet:
    """Published articles matching every word of `query`, best first, newest among equals."""
    articles = Article.objects.published().for_listing()
    if not query:
        return articles.none()
    if connection.vendor == "postgresql":
        terms = SearchQuery(" ".join(query.words), search_type="plain", config="english")
        return (
            articles.filter(search_vector=terms)
            .annotate(rank=SearchRank(F("search_vector"), terms))
            .order_by("-rank", "-publish_at", "-pk")
        )
    rank = Value(0)
    for word in query.words:
        articles = articles.filter(
            Q(headline__icontains=word) | Q(standfirst__icontains=word) | Q(body__icontains=word)
        )
        for field, weight in (("headline", 100), ("standfirst", 10), ("body", 1)):
            rank = rank + Case(
                When(**{f"{field}__icontains": word}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return articles.annotate(rank=rank).order_by("-rank", "-publish_at", "-pk")
