import contextlib
import functools
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone


@functools.cache
def _hypothesis_profiles() -> None:
    """Property-based tests draw the same examples on every run, so CI is repeatable;
    HYPOTHESIS_PROFILE=explore draws new ones (run it now and then, and keep what it finds)."""
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("repeatable", derandomize=True)
    hypothesis_settings.register_profile("explore", derandomize=False, max_examples=2000)
    hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def pytest_collectstart(collector):
    """Hypothesis is loaded (a second's work) only for the files that use it, before they are
    imported, so their `@settings` start from the profile."""
    if isinstance(collector, pytest.Module) and "from hypothesis" in collector.path.read_text():
        _hypothesis_profiles()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the test database is a file in memory (/dev/shm where there is one), not
    Django's shared-cache in-memory database: there a second thread's write (the purge sender,
    a served app's threads) fails at once with "database table is locked" instead of waiting
    its turn, as connections to a real SQLite file do."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - mkdtemp: private
        folder = tempfile.mkdtemp(prefix="newsroom-test-db-", dir=shm)
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")


# Kinds of test, chosen with `-m` (docs/development.md): a whole file's kind by its name here,
# a single test's by its own `@pytest.mark.<kind>`; tests/browser/ is all `browser`.
KINDS_BY_FILE = {
    "test_concurrency.py": ("postgres",),
    "test_docs.py": ("slow",),
    "test_hostile.py": ("slow",),
    "test_html_valid.py": ("slow",),
    "test_hostile_cache.py": ("varnish", "slow"),
    "test_properties.py": ("slow",),
    "test_schema_settings.py": ("slow",),
    "test_serve.py": ("slow",),
    "test_settings.py": ("slow",),
    "test_varnish.py": ("varnish", "slow"),
    "test_worker_supervisor.py": ("slow",),
}
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(item.path)
        kinds = KINDS_BY_FILE.get(path.name, ())
        if BROWSER_TESTS in path.parents:
            kinds = (*kinds, "browser", "slow")
        for kind in kinds:
            item.add_marker(kind)


@pytest.fixture(scope="session")
def collected_static():
    """Pages are rendered with the production static storage (hashed, compressed names), so
    a test that renders one needs the static files collected first: once a run."""
    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def static_files_for_pages(request):
    """Every test that uses the database (so may render a page) gets the static files; tests
    that read code, settings or files only start at once. A test that renders a page without
    the database requests `collected_static` itself."""
    uses_database = request.node.get_closest_marker("django_db") or not {
        "db",
        "transactional_db",
        "live_server",
    }.isdisjoint(request.fixturenames)
    if uses_database:
        request.getfixturevalue("collected_static")


def _member_of(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", "a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return _member_of(django_user_model, "Editors", "edna")


@pytest.fixture
def writer(db, django_user_model):
    return _member_of(django_user_model, "Writers", "walt")


@pytest.fixture
def moderator(db, django_user_model):
    return _member_of(django_user_model, "Moderators", "mona")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def writer_client(client, writer):
    client.force_login(writer)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture(autouse=True)
def force_login_gives_the_second_step(monkeypatch):
    """`force_login` skips the sign-in form, and with it the second step: its session counts as
    having given a code from a phone. The second step itself is tested through its forms
    (test_second_factor.py, browser/test_second_factor.py)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from newsroom.desk import second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if second_factor.must_use(user) or user_has_device(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="Test phone")
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and other cached state never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_views_remembered():
    """The clients' views each process remembers (figures/repeats.py) never leak from one test
    into another (SQLite gives a rolled-back article's id to the next one)."""
    from figures import repeats

    repeats.recent.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users' passwords need no protection; hashing them slowly only slows the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Clock:
    """The time the code under test sees, moved forward by the test instead of sleeping."""

    def __init__(self):
        self.offset = 0.0

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    """Moves `timezone.now()` and `time.time()` (publication times, cache lifetimes) forward."""
    moved = Clock()
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + moved.offset)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=moved.offset))
    return moved


@pytest.fixture(autouse=True)
def purges_sent():
    """Purges to shared caches go out from a background thread (newsroom/pagecache/shared.py): none is
    still on its way when the next test begins (or the test database is emptied)."""
    from newsroom.pagecache import shared

    yield shared
    assert shared.wait_sent(timeout=30), "a purge was still being sent 30 s after the test"


@pytest.fixture
def uploads(tmp_path):
    """A WordPress site's wp-content/uploads, for the import's tests (tests/wordpress_export.py)."""
    from tests.wordpress_export import make_uploads  # PIL and the models: only when asked

    return make_uploads(tmp_path / "uploads")


@pytest.fixture(scope="session")
def oembed():
    """A fake oEmbed provider on 127.0.0.1 (tests/oembed_server.py), for the whole run."""
    from tests import oembed_server  # imports the models: once Django is set up

    running = oembed_server.start()
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture
def provider(oembed, settings):
    """The fake provider's video and post providers in EMBED_PROVIDERS, its log cleared."""
    settings.EMBED_PROVIDERS = oembed.providers()
    settings.EMBED_TIMEOUT_SECONDS = 2
    oembed.asked.clear()
    return oembed


class MailServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it is sent; addresses in
    `refuse` are answered 550, as a mail server refuses an unknown mailbox."""

    def __init__(self):
        self.envelopes, self.refuse, self.port = [], set(), 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list:
        """What arrived, parsed: `message["To"]`, `message.get_body(("plain",)).get_content()`."""
        import email
        import email.policy

        return [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in self.envelopes
        ]

    def to(self, address: str) -> list:
        """The messages that went to `address`."""
        return [m for m in self.messages if address.lower() in m["To"].lower()]


@contextlib.contextmanager
def smtp_server(handler):
    """A real SMTP server (aiosmtpd) on a free port of 127.0.0.1, answering with `handler`'s
    `handle_*` methods, for as long as the block lasts; yields the port."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


@pytest.fixture
def mail_server(settings):
    """Django's e-mail pointed at a real SMTP server started for the test."""
    server = MailServer()
    with smtp_server(server) as port:
        server.port = port
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server
