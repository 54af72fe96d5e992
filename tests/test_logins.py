"""The desk's sign-in stops password guessing: a lock per username and address, with a clear
message, kept in the security store (never the page cache) every app server shares."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from newsroom.desk import logins
from tests.test_settings import _manage

PASSWORD = "a-long-correct-password-42"


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user(
        "edna", password=PASSWORD, is_staff=True, is_superuser=True
    )


def _sign_in(client, username, password, address="203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_ten_failures_lock_the_account_for_that_address_even_with_the_right_password(
    client, staff, settings
):
    assert settings.LOGIN_FAILURE_LIMIT == 10
    for _ in range(9):
        response = _sign_in(client, "edna", "wrong guess")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = _sign_in(client, "edna", "wrong guess")  # the tenth
    assert response.status_code == 200

    locked = _sign_in(client, "edna", PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = locked.content.decode()
    assert "Too many failed sign-in attempts" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_address_only(client, staff):
    for _ in range(10):
        _sign_in(client, "edna", "wrong guess")
    elsewhere = _sign_in(Client(), "edna", PASSWORD, address="198.51.100.7")
    assert elsewhere.status_code == 302


def test_the_username_is_matched_whatever_its_case_or_spacing(client, staff):
    for i in range(10):
        _sign_in(client, ["edna", "EDNA", " Edna "][i % 3], "wrong guess")
    assert _sign_in(client, "edna", PASSWORD).status_code == 429


def test_a_successful_sign_in_clears_the_count(client, staff):
    for _ in range(9):
        _sign_in(client, "edna", "wrong guess")
    assert _sign_in(client, "edna", PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        _sign_in(client, "edna", "wrong guess")
    assert _sign_in(client, "edna", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked_too(client, staff):
    for i in range(50):
        _sign_in(client, f"guess{i}", "wrong guess")
    response = _sign_in(client, "edna", PASSWORD)
    assert response.status_code == 429


def test_the_lock_ends_after_the_cool_off(client, staff, monkeypatch):
    for _ in range(10):
        _sign_in(client, "edna", "wrong guess")
    assert _sign_in(client, "edna", PASSWORD).status_code == 429
    later = timezone.now() + timedelta(minutes=16)
    monkeypatch.setattr(logins.timezone, "now", lambda: later)
    assert _sign_in(client, "edna", PASSWORD).status_code == 302


def test_a_lock_is_logged_for_the_operator(client, staff, caplog):
    with caplog.at_level("WARNING", logger="newsroom.logins"):
        for _ in range(10):
            _sign_in(client, "edna", "wrong guess")
    [record] = [r for r in caplog.records if r.name == "newsroom.logins"]
    assert "sign-in locked" in record.getMessage()
    assert "203.0.113.5" in record.getMessage()


def test_the_admin_lives_at_the_configured_path():
    code = "from django.urls import reverse; print(reverse('admin:index'), reverse('admin:login'))"
    result = _manage("shell", "-c", code, DEBUG="true", ADMIN_URL="/back-office/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["/back-office/", "/back-office/login/"]


def test_passwords_must_be_strong():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short1", "password1234", "12345678901234"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")


def test_sign_ins_that_succeed_never_lock_an_office_sharing_one_address(staff, settings):
    """Every attempt is counted before the password is checked; a right one takes it back, so
    a newsroom behind one address can sign in all day."""
    settings.LOGIN_FAILURE_LIMIT = 2  # the address alone: 10
    for _ in range(15):
        assert _sign_in(Client(), "edna", PASSWORD).status_code == 302
    _sign_in(Client(), "edna", "wrong guess")
    assert _sign_in(Client(), "edna", PASSWORD).status_code == 302
