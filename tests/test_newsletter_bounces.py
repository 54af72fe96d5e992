"""Hard bounces and complaints stop an address: from the mail provider's webhook (signed with
NEWSLETTER_WEBHOOK_SECRET; a bad or missing signature is refused and changes nothing; off
without a secret) or from a bounce file (`manage.py feed_bounces`). Nothing more goes to it."""

import hashlib
import hmac
import json
import logging

import pytest
from django.core.management import call_command

from newsletters import sending
from newsletters.models import Edition, Subscriber
from tests.factories import run_worker
from tests.newsletter_helpers import make_list, subscribe

pytestmark = pytest.mark.django_db
URL = "/newsletters/provider/events"
SECRET = "a-long-shared-secret"


@pytest.fixture
def readers(settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = SECRET
    newsletter = make_list()
    return [subscribe(f"{n}@example.org", newsletter) for n in ("ada", "bob", "cy", "dee")]


def _post(client, body, *, signature=None):
    raw = json.dumps(body).encode()
    signature = signature or hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        URL, raw, content_type="application/json", headers={"X-Newsroom-Signature": signature}
    )


def _stopped() -> dict[str, str]:
    stopped = Subscriber.objects.exclude(stopped_at=None)
    return dict(stopped.values_list("email", "stopped_reason"))


def test_a_signed_hard_bounce_and_complaint_stop_their_addresses(client, readers):
    events = [
        {"type": "hard_bounce", "email": "ADA@example.org"},
        {"type": "complaint", "email": "bob@example.org"},
        {"type": "soft_bounce", "email": "cy@example.org"},
        {"type": "hard_bounce", "email": "nobody@example.org"},
    ]
    response = _post(client, events)
    assert response.status_code == 200
    assert response.json() == {"received": 4, "stopped": 2}
    assert _stopped() == {"ada@example.org": "bounced", "bob@example.org": "complained"}
    assert _post(client, {"type": "complaint", "email": "cy@example.org"}).status_code == 200
    assert "cy@example.org" in _stopped(), "one event alone, not in a list, is taken too"


def test_a_bad_or_missing_signature_is_refused_logged_and_changes_nothing(client, readers, caplog):
    body = json.dumps({"type": "hard_bounce", "email": "ada@example.org"}).encode()
    caplog.set_level(logging.WARNING, logger="newsletters.provider")
    wrong = _post(client, {"type": "hard_bounce", "email": "ada@example.org"}, signature="0" * 64)
    missing = client.post(URL, body, content_type="application/json")
    other_key = hmac.new(b"another-secret", body, hashlib.sha256).hexdigest()
    forged = client.post(
        URL, body, content_type="application/json", headers={"X-Newsroom-Signature": other_key}
    )
    assert [r.status_code for r in (wrong, missing, forged)] == [403, 403, 403]
    assert _stopped() == {}
    assert "a wrong signature refused" in caplog.text and "no signature refused" in caplog.text


def test_the_webhook_is_off_without_a_secret_and_takes_only_post(client, readers, settings):
    assert client.get(URL).status_code == 405
    settings.NEWSLETTER_WEBHOOK_SECRET = ""
    assert _post(client, {"type": "hard_bounce", "email": "ada@example.org"}).status_code == 404
    assert _stopped() == {}


def test_a_signed_body_that_is_not_events_is_a_400(client, readers):
    assert _post(client, {"type": "hard_bounce"}).status_code == 400
    assert _post(client, "just a string").status_code == 400


def test_a_bounce_file_stops_its_addresses_and_nothing_more_goes_to_them(
    readers, tmp_path, mail_server, settings
):
    plain = tmp_path / "bounces.txt"
    plain.write_text("ada@example.org\n\n  BOB@example.org\n")
    listed = tmp_path / "bounces.csv"
    listed.write_text("address,type\ncy@example.org,complaint\ndee@example.org,soft_bounce\n")
    call_command("feed_bounces", str(plain), verbosity=0)
    call_command("feed_bounces", str(listed), verbosity=0)
    assert _stopped() == {
        "ada@example.org": "bounced",
        "bob@example.org": "bounced",
        "cy@example.org": "complained",
    }
    settings.NEWSLETTER_SEND_RATE = 1000
    edition = Edition.objects.create(newsletter=readers[0].newsletters.get(), subject="Hello")
    sending.start(edition)
    run_worker()
    assert [m["To"] for m in mail_server.messages] == ["dee@example.org"]


def test_an_unreadable_bounce_file_is_a_clear_error(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("feed_bounces", str(tmp_path / "missing.txt"))
