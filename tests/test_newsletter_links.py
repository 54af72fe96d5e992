"""A subscriber's signed links: each opens only its own page, for only that subscriber, and
stops working once the subscriber is erased, even if their number is used again."""

import pytest

from newsletters import links
from newsletters.models import Subscriber

pytestmark = pytest.mark.django_db


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_each_link_names_its_subscriber_for_its_own_purpose_only(settings):
    settings.SITE_URL = "https://news.example.org"
    reader = Subscriber.objects.create(email="Reader@Example.org")
    leave = links.leave_url(reader)
    assert leave.startswith("https://news.example.org/newsletters/leave/")
    assert "reader" not in leave.lower(), "the address is not in the link"
    assert links.subscriber_for(links.LEAVE, _token(leave)) == reader
    assert links.subscriber_for(links.PREFERENCES, _token(leave)) is None
    assert links.subscriber_for(links.PREFERENCES, _token(links.preferences_url(reader))) == reader


def test_a_confirmation_link_expires(clock, settings):
    settings.NEWSLETTER_CONFIRM_HOURS = 48
    reader = Subscriber.objects.create(email="reader@example.org")
    token = _token(links.confirm_url(reader))
    assert links.subscriber_for(links.CONFIRM, token, max_age=links.confirm_max_age()) == reader
    clock.advance(49 * 3600)
    assert links.subscriber_for(links.CONFIRM, token, max_age=links.confirm_max_age()) is None


def test_an_erased_subscribers_links_open_nothing_even_for_a_new_subscriber_with_their_number():
    reader = Subscriber.objects.create(email="reader@example.org")
    token, pk = _token(links.leave_url(reader)), reader.pk
    reader.delete()
    assert links.subscriber_for(links.LEAVE, token) is None
    Subscriber.objects.create(pk=pk, email="someone.else@example.org")
    assert links.subscriber_for(links.LEAVE, token) is None
