"""The desk's second step, through its forms: required of editors and superusers, optional for
others; set up with a QR code and recovery codes; wrong codes count towards the sign-in lock;
a recovery code opens the desk once; and a forgotten password is reset by e-mail."""

import re
from base64 import b32decode, b32encode

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import run_worker
from tests.test_settings import _manage, assert_refused

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
ADDRESS = "203.0.113.9"


@pytest.fixture
def desk(django_user_model):
    def member(username, group):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    return member


def _client():
    return Client(REMOTE_ADDR=ADDRESS)


def _password(client, username, password=PASSWORD):
    return client.post(
        f"{reverse('admin:login')}?next=/admin/articles/article/",
        {"username": username, "password": password, "next": "/admin/articles/article/"},
    )


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def _set_up(client, username) -> tuple[TOTPDevice, list[str]]:
    response = _password(client, username)
    setup = client.get(response.url)
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    codes_page = client.post(
        setup.request["PATH_INFO"] + "?" + setup.request["QUERY_STRING"],
        {"code": _code(device), "next": "/admin/articles/article/"},
    )
    assert codes_page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.content.decode())
    device.refresh_from_db()
    return device, codes


def test_an_editor_sets_up_the_second_step_before_the_desk_opens(desk):
    desk("edna", "Editors")
    client = _client()
    response = _password(client, "edna")
    assert response.status_code == 302
    assert response.url == "/admin/second-step/set-up/?next=/admin/articles/article/"
    assert client.get("/admin/articles/article/").status_code == 302, "not without the code"
    setup = client.get(response.url)
    page = setup.content.decode()
    assert "<svg" in page and "Set up your second step" in page
    device = TOTPDevice.objects.get(user__username="edna", confirmed=False)
    key = re.search(r'<code id="otp-key">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")
    assert device.config_url.startswith("otpauth://totp/") and f"secret={key}" in device.config_url

    wrong = client.post(response.url, {"code": "000000"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    # A moment later: django-otp pauses a device for a second after a wrong code, then longer.
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)

    done = client.post(response.url, {"code": _code(device), "next": "/admin/articles/article/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(set(codes)) == 10, "ten recovery codes, shown once"
    assert 'href="/admin/articles/article/"' in done.content.decode()
    assert client.get("/admin/articles/article/").status_code == 200


def test_at_the_next_sign_in_the_app_code_opens_the_desk(desk):
    desk("edna", "Editors")
    device, _ = _set_up(_client(), "edna")
    device.last_t = -1  # a new time step: the code just used for setting up is spent
    device.save()
    client = _client()
    response = _password(client, "edna")
    assert response.url == "/admin/second-step/?next=/admin/articles/article/"
    assert "Your second step" in client.get(response.url).content.decode()
    opened = client.post(response.url, {"code": _code(device), "next": "/admin/articles/article/"})
    assert opened.status_code == 302 and opened.url == "/admin/articles/article/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_opens_the_desk_once(desk):
    desk("edna", "Editors")
    _, codes = _set_up(_client(), "edna")
    first = _client()
    step = _password(first, "edna").url
    assert first.post(step, {"code": codes[0].upper()}).status_code == 302, "any case"
    assert first.get("/admin/").status_code == 200
    again = _client()
    step = _password(again, "edna").url
    refused = again.post(step, {"code": codes[0]})
    assert refused.status_code == 400
    assert "or was used already" in refused.content.decode()
    assert again.get("/admin/").status_code == 302
    assert StaticToken.objects.count() == 9


def test_wrong_codes_count_towards_the_sign_in_lock(desk, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    desk("edna", "Editors")
    device, _ = _set_up(_client(), "edna")
    client = _client()
    step = _password(client, "edna").url
    assert client.post(step, {"code": "111111"}).status_code == 400
    assert client.post(step, {"code": "222222"}).status_code == 400
    device.last_t = -1
    device.save()
    locked = client.post(step, {"code": _code(device)})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert client.get("/admin/").status_code == 302
    assert _password(_client(), "edna").status_code == 429, "the password form is locked too"


def test_a_stolen_password_cannot_add_another_app(desk):
    desk("edna", "Editors")
    _set_up(_client(), "edna")
    thief = _client()
    _password(thief, "edna")
    response = thief.get(reverse("admin:two_factor_setup"))
    assert response.status_code == 302 and response.url.startswith("/admin/second-step/?")
    assert TOTPDevice.objects.count() == 1


def test_writers_may_choose_and_the_operator_may_require_it_of_all(desk, settings):
    desk("walt", "Writers")
    client = _client()
    response = _password(client, "walt")
    assert response.url == "/admin/articles/article/", "optional for writers"
    assert "Second step" in client.get("/admin/").content.decode(), "offered in the top bar"
    settings.TWO_FACTOR_REQUIRED = "staff"
    client = _client()
    assert _password(client, "walt").url.startswith("/admin/second-step/set-up/")
    settings.TWO_FACTOR_REQUIRED = "none"
    desk("edna", "Editors")
    assert _password(_client(), "edna").url == "/admin/articles/article/", "none: for a local copy"


def test_the_operator_removes_a_lost_second_step(desk):
    desk("edna", "Editors")
    _set_up(_client(), "edna")
    call_command("reset_second_step", "edna", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    assert _password(_client(), "edna").url.startswith("/admin/second-step/set-up/")


def test_a_forgotten_password_is_reset_by_email(desk, django_user_model):
    desk("edna", "Editors")
    django_user_model.objects.create_user("reader", "reader@example.org", PASSWORD)
    client = _client()
    login = client.get(reverse("admin:login")).content.decode()
    assert 'href="/admin/password-reset/"' in login
    for address in ("edna@example.org", "nobody@example.org", "reader@example.org"):
        sent = client.post("/admin/password-reset/", {"email": address}, follow=True)
        assert sent.status_code == 200
        assert "emailed you instructions" in sent.content.decode(), "the same answer for all"
    assert mail.outbox == [], "sent by a worker"
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["edna@example.org"], "staff only"
    assert "at The Newsroom" in message.body and "example.com" not in message.body
    link = re.search(r"https://testserver(/admin/password-reset/\S+/)", message.body)[1]
    form = client.get(link, follow=True)
    new = "a-brand-new-long-password-7"
    done = client.post(
        form.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Your password has been set" in done.content.decode()
    assert _password(_client(), "edna", new).url.startswith("/admin/second-step/set-up/")


def test_a_wrong_requirement_stops_the_site_naming_it():
    assert_refused(
        "TWO_FACTOR_REQUIRED must be publishers, staff or none, not 'editors'",
        TWO_FACTOR_REQUIRED="editors",
    )


def test_it_is_required_of_editors_unless_debug_is_on():
    read = "from django.conf import settings as s; print(s.TWO_FACTOR_REQUIRED)"
    production = _manage("shell", "-c", read, DEBUG="false", SECRET_KEY="x" * 50)
    local = _manage("shell", "-c", read, DEBUG="true")
    assert production.stdout.strip().splitlines()[-1] == "publishers", production.stderr
    assert local.stdout.strip().splitlines()[-1] == "none", local.stderr


def _key_shown(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'<code id="otp-key">([A-Z2-7 ]+)</code>', page)[1].replace(" ", "")


def _code_for(key: str) -> str:
    return f"{totp(b32decode(key)):06d}"


def test_each_sign_in_setting_up_the_second_step_gets_a_key_of_its_own(desk):
    """Someone else with the password signs in while the editor sets up her app: they see
    another key, and once she confirms hers, theirs is gone and opens nothing."""
    desk("edna", "Editors")
    edna, thief = _client(), _client()
    setup = _password(edna, "edna").url
    assert _password(thief, "edna").url == setup
    edna_key, thief_key = _key_shown(edna, setup), _key_shown(thief, setup)
    assert edna_key != thief_key
    assert _key_shown(edna, setup) == edna_key, "the same key again for the same sign-in"
    assert TOTPDevice.objects.filter(confirmed=False).count() == 2

    done = edna.post(setup, {"code": _code_for(edna_key), "next": "/admin/articles/article/"})
    assert done.status_code == 200 and "recovery codes" in done.content.decode().lower()
    (device,) = TOTPDevice.objects.all()
    assert device.confirmed and b32encode(device.bin_key).decode() == edna_key

    refused = thief.post(setup, {"code": _code_for(thief_key)})
    assert refused.status_code == 302 and refused.url.startswith("/admin/second-step/?")
    step = thief.post(refused.url, {"code": _code_for(thief_key)})
    assert step.status_code == 400 and "That code is not right" in step.content.decode()
    assert thief.get("/admin/").status_code == 302, "the desk stays shut"
    assert edna.get("/admin/articles/article/").status_code == 200


def test_holders_of_a_permission_an_app_lists_must_give_the_second_step(desk, monkeypatch):
    """The apps say which permissions need it: publishing by default; another app may add one."""
    desk("mo", "Moderators")
    assert _password(_client(), "mo").url == "/admin/articles/article/", "optional by default"
    monkeypatch.setattr(
        apps.get_app_config("comments"),
        "second_step_permissions",
        ("comments.moderate_reply",),
        raising=False,
    )
    assert _password(_client(), "mo").url.startswith("/admin/second-step/set-up/")
