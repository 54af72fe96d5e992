import os
import tempfile
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

# Property-based tests draw the same examples on every run, so CI is repeatable;
# HYPOTHESIS_PROFILE=explore draws new ones (run it now and then, and keep what it finds).
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=2000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Pages are rendered with the production static storage (hashed, compressed names)."""
    call_command("collectstatic", "--noinput", verbosity=0)


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

    from newsroom import second_factor

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
