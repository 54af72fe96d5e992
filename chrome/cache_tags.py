"""What the header and footer show, and what purges them (see newsroom/purges.py).

The tag `chrome` (articles.cache_tags.CHROME) is on every page: a banner raised, changed or
cleared purges it, and so does a change to the article a raised banner links to while readers
see that article (its link shows once it is published).
"""

from django.db.models.signals import post_delete, post_save

from articles.cache_tags import CHROME
from articles.models import Article
from chrome.models import BreakingNews
from newsroom import purges


def _banner_changed(sender, raw=False, **kwargs):
    if not raw:
        purges.purge(CHROME)


def _article_saved(sender, instance: Article, raw=False, **kwargs):
    if raw:
        return
    # Read before the save by articles.cache_tags: whether readers saw the article.
    before = getattr(instance, "_state_before_save", None)
    seen = bool(before and before["visible"]) or instance.status == Article.Status.PUBLISHED
    if seen and BreakingNews.objects.filter(is_active=True, article=instance).exists():
        purges.purge(CHROME)  # the banner links to it


def connect() -> None:
    uid = "purge-BreakingNews"
    post_save.connect(_banner_changed, sender=BreakingNews, dispatch_uid=f"{uid}-save")
    post_delete.connect(_banner_changed, sender=BreakingNews, dispatch_uid=f"{uid}-delete")
    post_save.connect(_article_saved, sender=Article, dispatch_uid="purge-chrome-Article-save")
