"""What search engines read of a live page: schema.org's LiveBlogPosting."""

from django.utils.html import strip_tags


def live_blog(request, article, data: dict, updates) -> dict:
    """A live page as schema.org LiveBlogPosting: the article's NewsArticle data, its coverage
    times and the updates shown on the page as `liveBlogUpdate`."""
    page = request.build_absolute_uri(article.get_absolute_url())
    ended = {"coverageEndTime": article.live_until} if article.live_until else {}
    return (
        data
        | ended
        | {
            "@type": "LiveBlogPosting",
            "coverageStartTime": article.live_from,
            "liveBlogUpdate": [
                {
                    "@type": "BlogPosting",
                    "headline": update.headline or update.excerpt,
                    "articleBody": " ".join(strip_tags(update.body).split()),
                    "datePublished": update.posted_at,
                    "dateModified": update.corrected_at or update.posted_at,
                    "url": f"{page}?update={update.pk}#{update.anchor}",
                }
                for update in updates
            ],
        }
    )
