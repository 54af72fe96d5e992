"""What search engines and social networks read on an article page: Open Graph and JSON-LD."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def news_article(request, article, *, corrections=()) -> dict:
    """schema.org NewsArticle for `article`, with absolute URLs."""
    url = request.build_absolute_uri(article.get_absolute_url())
    image = article.social_picture
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": article.page_description or strip_tags(article.body)[:200],
        "datePublished": article.publish_at,
        "dateModified": article.last_modified,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "articleSection": article.primary_topic.name if article.primary_topic_id else None,
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": request.build_absolute_uri(author.get_absolute_url()),
            }
            for author in article.byline_authors
        ],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": settings.SITE_NAME,
            "url": request.build_absolute_uri("/"),
            "logo": {
                "@type": "ImageObject",
                "url": request.build_absolute_uri(static("icons/logo.png")),
                "width": 600,
                "height": 60,
            },
        },
    }
    if image and image.social_url:
        data["image"] = [request.build_absolute_uri(image.social_url)]
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": note.text,
                "datePublished": note.noted_at,
            }
            for note in corrections
        ]
    return data


def as_script(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element, safe inside HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - <, > and & are escaped
