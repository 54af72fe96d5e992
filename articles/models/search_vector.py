"""What full-text search reads of an article (PostgreSQL)."""

from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Func, Value

# Headline matches rank above standfirst matches, which rank above body matches.
ARTICLE_SEARCH_VECTOR = (
    SearchVector("headline", weight="A", config="english")
    + SearchVector("standfirst", weight="B", config="english")
    + SearchVector(
        Func(
            F("body"),
            Value("<[^>]+>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=models.TextField(),
        ),
        weight="C",
        config="english",
    )
)
