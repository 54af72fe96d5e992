"""Breaking-news alerts: one published story sent at once to the alerts list, at most once per
story (the database holds that rule: `edition_one_alert_per_story`), logged in the desk log.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article
from audit import log
from newsletters import sending
from newsletters.models import Edition, Newsletter

NO_LIST = "There is no breaking-news alerts list: add one under Newsletters first."
NOT_PUBLISHED = "Only a story readers can see is sent as an alert."
ALREADY_SENT = "This story was already sent as an alert (%(when)s); a story is sent once."


def alerts_list() -> Newsletter | None:
    return Newsletter.objects.filter(kind=Newsletter.Kind.ALERTS).first()


def earlier_alert(article: Article) -> Edition | None:
    return Edition.objects.filter(article=article).first()


def refusal(article: Article, *, now=None) -> str:
    """Why `article` cannot be sent as an alert now, or "" when it can."""
    if alerts_list() is None:
        return NO_LIST
    if not Article.objects.published(now).filter(pk=article.pk).exists():
        return NOT_PUBLISHED
    if earlier := earlier_alert(article):
        when = timezone.localtime(earlier.started_at or earlier.created_at)
        return ALREADY_SENT % {"when": f"{when:%H:%M on %d %B %Y}"}
    return ""


def audience_count() -> int:
    newsletter = alerts_list()
    return sending.audience(newsletter).count() if newsletter else 0


def send(article: Article, *, by, now=None) -> tuple[Edition | None, str]:
    """Send `article` to the alerts list; returns (the edition, "") or (None, why not)."""
    now = now or timezone.now()
    if why := refusal(article, now=now):
        return None, why
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                newsletter=alerts_list(),
                subject=article.headline,
                stories=[article.pk],
                article=article,
                created_by=by,
            )
            sending.start(edition, now=now)
            log.record_article(
                log.Action.NEWSLETTER_ALERT,
                article,
                by=by,
                detail=f"to {audience_count()} subscribers of “{edition.newsletter}”",
            )
    except IntegrityError:  # another editor's click came first
        return None, refusal(article, now=now) or ALREADY_SENT % {"when": "just now"}
    return edition, ""
