"""The settings module: safe production defaults and clear errors on bad configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | {"ENV_FILE": "/nonexistent"} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_refused(message: str, **environment) -> None:
    """The site does not start with these variables, and says `message` (naming the variable)."""
    result = _manage("check", **{"DEBUG": "true", **environment})
    assert result.returncode != 0
    assert message in result.stderr


def test_missing_secret_key_outside_debug_is_a_clear_error():
    result = _manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")


def test_check_deploy_is_clean_with_production_variables():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="news.example.org",
        SECURE_SSL_REDIRECT="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _proxy_header(value):
    code = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    return _manage("shell", "-c", code, DEBUG="true", SECURE_PROXY_SSL_HEADER=value)


def test_the_tls_proxy_header_is_configurable():
    assert _proxy_header("false").stdout.strip().endswith("None")
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in _proxy_header("true").stdout
    assert (
        "('HTTP_CLOUDFRONT_FORWARDED_PROTO', 'https')"
        in _proxy_header("CloudFront-Forwarded-Proto").stdout
    )
    assert "('HTTP_X_FORWARDED_SSL', 'on')" in _proxy_header("X-Forwarded-Ssl=on").stdout
    bad = _proxy_header("X Forwarded: https")
    assert bad.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be true, false, or a header name" in bad.stderr


def test_a_purge_address_that_is_not_http_stops_the_site_with_a_clear_error():
    result = _manage("check", DEBUG="true", CACHE_PURGE_URLS="varnish:6081")
    assert result.returncode != 0
    assert "CACHE_PURGE_URLS must be http:// or https:// addresses" in result.stderr
    assert "'varnish:6081'" in result.stderr


def test_shared_caches_keep_pages_a_day_when_they_are_purged_by_tag_else_a_minute():
    read = "from django.conf import settings; print(settings.SHARED_CACHE_SECONDS)"
    purged = _manage("shell", "-c", read, DEBUG="true", CACHE_PURGE_URLS="http://127.0.0.1:6081/")
    alone = _manage("shell", "-c", read, DEBUG="true")
    assert purged.stdout.strip().endswith("86400"), purged.stderr
    assert alone.stdout.strip().endswith("60"), alone.stderr


def test_behind_a_transaction_pooler_no_server_side_cursors_are_used():
    read = (
        "from django.db import connection as c; "
        "print(c.settings_dict['DISABLE_SERVER_SIDE_CURSORS'])"
    )
    plain = _manage("shell", "-c", read, DEBUG="true")
    pooled = _manage("shell", "-c", read, DEBUG="true", DATABASE_TRANSACTION_POOLER="true")
    assert plain.stdout.strip().splitlines()[-1] == "False", plain.stderr
    assert pooled.stdout.strip().splitlines()[-1] == "True", pooled.stderr
    wrong = _manage("check", DEBUG="true", DATABASE_TRANSACTION_POOLER="perhaps")
    assert wrong.returncode != 0
    assert "DATABASE_TRANSACTION_POOLER must be true or false, not 'perhaps'" in wrong.stderr


def test_each_email_setting_comes_from_email_url_and_no_port_means_the_schemes_own():
    """No port in EMAIL_URL leaves EMAIL_PORT unset, so smtplib uses 465 with SSL, 25 without."""
    read = (
        "from django.conf import settings as s; print(s.EMAIL_BACKEND.rsplit('.', 2)[1], "
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_SSL, s.EMAIL_USE_TLS, s.EMAIL_HOST_USER or '-')"
    )
    ssl = _manage("shell", "-c", read, DEBUG="true", EMAIL_URL="smtp+ssl://ed:pw@mail.example.org")
    assert ssl.stdout.strip().endswith("smtp mail.example.org None True False ed"), ssl.stderr
    console = _manage("shell", "-c", read, DEBUG="true")
    assert console.stdout.strip().endswith("console localhost None False False -"), console.stderr
