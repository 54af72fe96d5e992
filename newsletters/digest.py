"""What a list's next edition carries: the rule, and the edition built from it.

The window runs from the end of the list's last edition that went (or is due to go) to now;
the first edition looks back FIRST_WINDOW. In it, every story readers may see (`published()`),
of the list's section for a section's list, at most MAX_STORIES of them: first those on the
front (the home front for the digest, the section's own front for a section's list) in the
front's order, then the rest, newest first. Editors may reorder, drop and add stories before
the edition goes; the window's end is kept so the next edition starts where this one ended.
"""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format

from articles.models import Article
from fronts.reading import front_for
from newsletters.models import Edition, Newsletter

FIRST_WINDOW = timedelta(hours=24)
MAX_STORIES = 25
# Editions whose window counts: those that went or are going. A draft or a cancelled edition
# leaves its stories to the next one.
COUNTED = (Edition.Status.SCHEDULED, Edition.Status.SENDING, Edition.Status.SENT)


def window_start(newsletter: Newsletter, *, now: datetime) -> datetime:
    last = (
        newsletter.editions.filter(status__in=COUNTED, window_end__isnull=False)
        .order_by("-window_end")
        .values_list("window_end", flat=True)
        .first()
    )
    return last or now - FIRST_WINDOW


def front_order(story_ids: list[int], front_ids: list[int]) -> list[int]:
    """`story_ids` (newest first) with those on the front moved ahead, in the front's order."""
    wanted = set(story_ids)
    on_front = list(dict.fromkeys(pk for pk in front_ids if pk in wanted))
    placed = set(on_front)
    return on_front + [pk for pk in story_ids if pk not in placed]


def stories_for(newsletter: Newsletter, *, start: datetime, now: datetime) -> list[int]:
    """The ids of the stories of `newsletter`'s window, in the order they are sent."""
    stories = Article.objects.published(now).filter(publish_at__gt=start)
    if newsletter.topic_id:
        stories = stories.in_topic(newsletter.topic)
    newest = list(stories.newest_first().values_list("pk", flat=True)[:200])
    front = front_for(newsletter.topic, now=now)
    front_ids = [article.pk for block in front for article in block.articles]
    return front_order(newest, front_ids)[:MAX_STORIES]


def default_subject(newsletter: Newsletter, *, now: datetime) -> str:
    return f"{newsletter.name}: {date_format(timezone.localtime(now), 'l j F')}"


def build(
    newsletter: Newsletter, *, now: datetime | None = None, by=None, send_after=None
) -> Edition:
    """A new edition of `newsletter` (a draft, or scheduled when `send_after` is given) with the
    stories of its window."""
    now = now or timezone.now()
    start = window_start(newsletter, now=now)
    return Edition.objects.create(
        newsletter=newsletter,
        subject=default_subject(newsletter, now=now),
        stories=stories_for(newsletter, start=start, now=now),
        window_start=start,
        window_end=now,
        status=Edition.Status.SCHEDULED if send_after else Edition.Status.DRAFT,
        send_after=send_after,
        created_by=by,
    )
