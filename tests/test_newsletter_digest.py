"""A list's edition carries the stories readers could see since its last edition, in the order
of its front (the home front for the digest, the section's front for a section's list), then
the rest newest first; a list with a daily time builds and sends its edition then, in the
site's time zone, through a real SMTP server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from fronts import layout as layouts
from fronts.layout import Block
from fronts.models import Arrangement, Front
from newsletters import digest
from newsletters.models import Edition, Newsletter
from tests.factories import make_article, make_topic, run_worker
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db


def _arrange(topic, blocks):
    front, _ = Front.objects.get_or_create(topic=topic)
    Arrangement.objects.create(
        front=front,
        layout=layouts.to_json(tuple(blocks)),
        live_from=timezone.now() - timedelta(seconds=1),
    )


def _headlines(edition: Edition) -> list[str]:
    by_pk = Article.objects.in_bulk(edition.stories)
    return [by_pk[pk].headline for pk in edition.stories]


def test_front_order_puts_the_fronts_stories_first_then_the_rest_as_given():
    assert digest.front_order([5, 4, 3, 2, 1], [3, 9, 1, 3]) == [3, 1, 5, 4, 2]
    assert digest.front_order([2, 1], []) == [2, 1]


def test_the_digest_follows_the_home_front_then_the_rest_newest_first():
    now = timezone.now()
    older = make_article(headline="Older, chosen lead", publish_at=now - timedelta(hours=20))
    make_article(headline="Middle", publish_at=now - timedelta(hours=10))
    make_article(headline="Newest", publish_at=now - timedelta(hours=1))
    make_article(headline="Too old", publish_at=now - timedelta(hours=30))
    make_article(headline="Not yet", publish_at=now + timedelta(hours=1))
    make_article(headline="A draft", status=Article.Status.DRAFT)
    _arrange(None, [Block("lead", (older.pk,)), Block("top", (None,))])
    edition = digest.build(make_list())
    assert _headlines(edition) == ["Older, chosen lead", "Newest", "Middle"]
    assert edition.status == Edition.Status.DRAFT
    assert edition.window_end - edition.window_start == digest.FIRST_WINDOW


def test_the_next_edition_starts_where_the_last_one_that_went_ended(clock):
    newsletter = make_list()
    make_article(headline="In the first")
    first = digest.build(newsletter)
    Edition.objects.filter(pk=first.pk).update(status=Edition.Status.SENT)
    clock.advance(3600)
    make_article(headline="After it", publish_at=timezone.now() - timedelta(minutes=5))
    second = digest.build(newsletter)
    assert _headlines(second) == ["After it"]
    assert second.window_start == first.window_end


def test_a_sections_list_carries_its_sections_stories_in_its_fronts_order():
    harbour, other = make_topic(name="Harbour"), make_topic(name="Elsewhere")
    now = timezone.now()
    pinned = make_article(
        headline="Harbour pinned", primary_topic=harbour, publish_at=now - timedelta(hours=5)
    )
    make_article(headline="Harbour newest", primary_topic=harbour)
    make_article(headline="Elsewhere news", primary_topic=other)
    _arrange(harbour, [Block("lead", (pinned.pk,))])
    edition = digest.build(make_list(Newsletter.Kind.SECTION, topic=harbour))
    assert _headlines(edition) == ["Harbour pinned", "Harbour newest"]


def test_a_list_with_a_daily_time_is_built_and_sent_then_in_the_sites_time_zone(
    clock, mail_server, settings
):
    settings.TIME_ZONE = "Europe/Paris"
    settings.NEWSLETTER_SEND_RATE = 1000
    at = timezone.localtime() + timedelta(hours=2)
    newsletter = make_list(
        name="The Morning Briefing", send_at=at.time().replace(second=0, microsecond=0)
    )
    subscribe("ada@example.org", newsletter)
    subscribe("bob@example.org", newsletter)
    subscribe("unconfirmed@example.org", newsletter, confirmed=False)
    lead = make_article(headline="Lead of the day", publish_at=timezone.now() - timedelta(hours=3))
    make_article(headline="Newer", publish_at=timezone.now() - timedelta(hours=1))
    _arrange(None, [Block("lead", (lead.pk,))])

    run_worker()  # the worker starts: the daily run is queued for the list's time
    assert not mail_server.messages and not Edition.objects.exists()
    clock.advance(2 * 3600 + 60)
    make_article(headline="Just before", publish_at=timezone.now() - timedelta(minutes=1))
    run_worker()

    edition = Edition.objects.get()
    assert edition.status == Edition.Status.SENT
    assert timezone.localtime(edition.send_after).time() == newsletter.send_at
    assert sorted(m["To"] for m in mail_server.messages) == ["ada@example.org", "bob@example.org"]
    text = mail_server.to("ada@example.org")[0].get_body(("plain",)).get_content()
    assert text.index("Lead of the day") < text.index("Just before") < text.index("Newer")
    clock.advance(3600)
    run_worker()
    assert Edition.objects.count() == 1, "one edition a day"
    assert len(mail_server.messages) == 2
