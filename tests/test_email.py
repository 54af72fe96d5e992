"""E-mail from EMAIL_URL, to a real SMTP server started by the test (aiosmtpd): the
moderators' notice arrives, through the sign-in the address names."""

import email
import email.policy
import re
import socket
from datetime import timedelta

import environ
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom.tasks import RETRY_MINUTES
from tests.factories import make_article, reply_data, run_worker
from tests.test_settings import _manage

pytestmark = [
    pytest.mark.django_db,
    # The test server listens on 127.0.0.1 only; production mail goes over TLS.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

USER, PASSWORD = "newsroom", "s3cret@word"


class Inbox:
    def __init__(self):
        self.messages, self.logins = [], []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        return AuthResult(success=ok)


@pytest.fixture
def smtp_server():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_required=True,
        auth_require_tls=False,  # on 127.0.0.1 only; production uses smtp+tls:// or smtp+ssl://
    )
    controller.start()
    yield port, inbox
    controller.stop()


def use_email_url(settings, url):
    for name, value in environ.Env.email_url_config(url).items():
        setattr(settings, name, value)


def test_the_moderators_notice_reaches_a_real_smtp_server(client, settings, smtp_server):
    port, inbox = smtp_server
    use_email_url(settings, f"smtp://{USER}:s3cret%40word@127.0.0.1:{port}")
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    article = make_article(headline="Harbour closes")
    response = client.post(
        reverse("comments:post", args=[article.pk]), reply_data(body="Is the ferry running?")
    )
    assert response.status_code == 302
    assert inbox.messages == [], "sent by a worker, not inside the reader's request"
    run_worker()
    assert inbox.logins == [(USER, PASSWORD)], "signed in as EMAIL_URL says"
    (message,) = inbox.messages
    assert message.rcpt_tos == ["desk@example.org"]
    mail = email.message_from_bytes(message.content, policy=email.policy.default)
    assert mail["Subject"] == "A reply is waiting: “Harbour closes”"
    assert "Is the ferry running?" in mail.get_content()


def _later(minutes):
    """Time passes for the queue: what was due within `minutes` is due now."""
    due = timezone.now() + timedelta(minutes=minutes)
    DBTaskResult.objects.filter(status="READY", run_after__lte=due).update(run_after=timezone.now())


def _queued_notices():
    return DBTaskResult.objects.filter(task_path="comments.tasks.notify_moderators", status="READY")


def test_a_refused_sign_in_is_logged_retried_and_the_notice_arrives_later(
    client, settings, smtp_server, caplog
):
    port, inbox = smtp_server
    use_email_url(settings, f"smtp://{USER}:wrong@127.0.0.1:{port}")
    settings.EMAIL_TIMEOUT = 2  # the test server answers a wrong password by going quiet
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    article = make_article()
    client.post(reverse("comments:post", args=[article.pk]), reply_data())
    run_worker()
    assert inbox.messages == []
    assert article.replies.count() == 1, "the reply is kept whatever the mail server says"
    assert any(
        "e-mail to the moderators about reply" in r.getMessage()
        and "trying again in 1 min" in r.getMessage()
        for r in caplog.records
    )
    (retry,) = _queued_notices()
    assert retry.run_after > timezone.now(), "not before its time"
    run_worker()
    assert inbox.messages == [], "a worker leaves it until it is due"
    use_email_url(settings, f"smtp://{USER}:s3cret%40word@127.0.0.1:{port}")  # fixed
    _later(1)
    run_worker()
    assert len(inbox.messages) == 1
    assert not _queued_notices().exists()


def test_a_mail_server_that_never_answers_is_given_up_on_with_an_error(client, settings, caplog):
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    use_email_url(settings, f"smtp://127.0.0.1:{_closed_port()}")  # nothing listens: refused
    client.post(reverse("comments:post", args=[make_article().pk]), reply_data())
    for _attempt in range(len(RETRY_MINUTES) + 1):
        _later(24 * 60)
        run_worker()
    assert not _queued_notices().exists()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("gave up on e-mail to the moderators" in m and "6 attempts" in m for m in errors)


def test_a_reply_moderated_before_the_mail_goes_needs_no_mail(client, settings, mailoutbox):
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    article = make_article()
    client.post(reverse("comments:post", args=[article.pk]), reply_data())
    article.replies.update(status="approved")
    run_worker()
    assert mailoutbox == []


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_email_url_sets_the_server_and_a_wrong_one_stops_the_site():
    read = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER)"
    )
    result = _manage(
        "shell", "-c", read, DEBUG="true", EMAIL_URL="smtp+tls://ed:pw@mail.example.org:587"
    )
    assert result.stdout.strip().endswith(
        "django.core.mail.backends.smtp.EmailBackend mail.example.org 587 True ed"
    ), result.stderr
    wrong = _manage("check", DEBUG="true", EMAIL_URL="ftp://mail.example.org")
    assert wrong.returncode != 0 and "EMAIL_URL is not an e-mail address" in wrong.stderr


def test_links_in_email_use_site_url_whatever_host_the_request_named(
    client, settings, django_user_model, mailoutbox
):
    """A forged Host (any port passes ALLOWED_HOSTS; `*` lets any name in) must not send a
    reset token, or the moderators, to someone else's server."""
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    settings.REPLY_NOTIFY_EMAILS = ["desk@example.org"]
    django_user_model.objects.create_user("edna", "edna@example.org", "x" * 20, is_staff=True)
    for host in ("evil.example:8080", "testserver:8080"):
        sent = client.post(
            "/admin/password-reset/", {"email": "edna@example.org"}, headers={"host": host}
        )
        assert sent.status_code == 302
        article = make_article()
        client.post(
            reverse("comments:post", args=[article.pk]),
            reply_data(body=f"Sent through host number {len(host)}"),
            headers={"host": host},
        )
    run_worker()
    assert len(mailoutbox) == 4
    for message in mailoutbox:
        links = re.findall(r"\w+://\S+", message.body)
        assert links, message.body
        assert all(link.startswith("https://news.example.org/admin/") for link in links), links
        assert "evil.example" not in message.body and "8080" not in message.body


def test_site_url_comes_from_allowed_hosts_and_a_wrong_one_stops_the_site():
    read = "from django.conf import settings as s; print(s.SITE_URL)"
    derived = _manage(
        "shell",
        "-c",
        read,
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="news.example.org,www.news.example.org",
    )
    assert derived.stdout.strip().splitlines()[-1] == "https://news.example.org", derived.stderr
    given = _manage("shell", "-c", read, DEBUG="true", SITE_URL="http://127.0.0.1:8000/")
    assert given.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8000", given.stderr
    for wrong in ("news.example.org", "https://news.example.org/news/", "ftp://x.org"):
        result = _manage("check", DEBUG="true", SITE_URL=wrong)
        assert result.returncode != 0 and "SITE_URL must be the site's address" in result.stderr
