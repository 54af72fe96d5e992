"""No environment variable changes the schema: limits that come from settings are validators
and form checks, never a model field's max_length, choices or default, so an operator who
raises REPLY_MAX_LENGTH (or any other setting) is never asked to make a migration."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Every variable newsroom/settings.py reads, set to a valid value other than its default.
CHANGED = {
    "ADMINS": "ops@news.example.org",
    "ADMIN_URL": "desk/",
    "ALLOWED_HOSTS": "news.example.org",
    "BROWSER_CACHE_SECONDS": "30",
    "CACHE_PURGE_URLS": "http://127.0.0.1:9/",
    "CACHE_TAG_HEADER": "Surrogate-Key",
    "CACHE_TIMEOUT_SECONDS": "1.5",
    "CACHE_URL": "locmemcache://elsewhere",
    "CSRF_COOKIE_SECURE": "false",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "DATABASE_CONN_MAX_AGE": "0",
    "DATABASE_TRANSACTION_POOLER": "true",
    "DATABASE_URL": "sqlite:///replaced-by-the-test",
    "DATA_UPLOAD_MAX_MEMORY_SIZE": "1048576",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": "500",
    "DEBUG": "true",
    "DEFAULT_FROM_EMAIL": "desk@news.example.org",
    "DESK_AUTOSAVE_SECONDS": "10",
    "EMAIL_TIMEOUT": "3",
    "EMBED_INSTAGRAM_ACCESS_TOKEN": "a-token",
    "EMBED_MAX_BYTES": "65536",
    "EMBED_PROVIDERS": '[{"name": "Example", "patterns": ["https://v\\\\.example/\\\\d+"], '
    '"endpoint": "https://v.example/oembed", "kind": "frame", "hosts": ["https://v.example"], '
    '"label": "Play on Example"}]',
    "EMBED_TIMEOUT_SECONDS": "2",
    "EMAIL_URL": "smtp://mail.example.org:25",
    "ENV_FILE": "/nonexistent",
    "FIGURES_SAMPLE_RATE": "4",
    "FIGURES_RETENTION_DAYS": "30",
    "IMAGE_MAX_PIXELS": "1000000",
    "IMAGE_MAX_UPLOAD_BYTES": "1048576",
    "LIVE_POLL_SECONDS": "5",
    "LIVE_UPDATES_PER_PAGE": "7",
    "LOGIN_FAILURE_LIMIT": "3",
    "LOGIN_LOCKOUT_MINUTES": "60",
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "WARNING",
    "LOG_REQUESTS": "false",
    "MEDIA_ROOT": "/nonexistent/media",
    "MEDIA_STORAGE": "files",
    "MEDIA_URL": "/uploads/",
    "NEWSLETTER_BATCH_SIZE": "50",
    "NEWSLETTER_CONFIRM_HOURS": "12",
    "NEWSLETTER_SEND_RATE": "5",
    "NEWSLETTER_WEBHOOK_SECRET": "a-shared-secret",
    "NUM_PROXIES": "0",
    "PAGE_CACHE_SECONDS": "60",
    "PASSWORD_RESET_HOURS": "5",
    "PREVIEW_LINK_HOURS": "3",
    "PURGE_SEQUENCE_FILE": "/nonexistent/purge-sequence",
    "PURGE_TIMEOUT_SECONDS": "0.5",
    "REPLY_CLIENT_DETAILS_DAYS": "7",
    "REPLY_CLOSE_AFTER_DAYS": "0",
    "REPLY_MAX_LENGTH": "8000",
    "REPLY_MIN_SECONDS": "9",
    "REPLY_NOTIFY_EMAILS": "moderators@news.example.org",
    "REPLY_PAGE_SIZE": "11",
    "REPLY_RATE_LIMIT": "2/30",
    "REPLY_REPORT_THRESHOLD": "9",
    "REQUEST_BODY_SECONDS": "4",
    "SECRET_KEY": "another-key-only-for-this-check-0123456789-abcdefghijklmnop",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false",
    "SECURE_HSTS_PRELOAD": "false",
    "SECURE_HSTS_SECONDS": "60",
    "SECURE_PROXY_SSL_HEADER": "true",
    "SECURE_SSL_REDIRECT": "false",
    "SECURITY_STORE_URL": "redis://127.0.0.1:6379/9",
    "SERVE_MEDIA": "true",
    "SESSION_COOKIE_SECURE": "false",
    "SHARED_CACHE_SECONDS": "120",
    "SITE_NAME": "The Other Paper",
    "SITE_URL": "https://news.example.org",
    "STATIC_ROOT": "/nonexistent/static",
    "STATIC_URL": "/assets/",
    "TASK_LEASE_SECONDS": "42",
    "TIME_ZONE": "Europe/Paris",
    "TRUSTED_PROXIES": "10.0.0.0/8",
    "TWO_FACTOR_REQUIRED": "staff",
    "WORDPRESS_IMPORT_BATCH": "7",
}


def _variables_read_by_settings() -> set[str]:
    # settings.py reads the environment itself or through configuration.py's checked readers.
    source = "".join(
        (ROOT / f"newsroom/{name}.py").read_text() for name in ("settings", "configuration")
    )
    call = r"\b(?:env(?:_bool)?(?:\.\w+)?|os\.environ\.get|os\.getenv)\(\s*['\"]([A-Z][A-Z0-9_]+)"
    return set(re.findall(call, source))


def test_every_variable_the_settings_read_is_changed_by_the_schema_check():
    assert _variables_read_by_settings() == set(CHANGED)


def test_no_setting_from_the_environment_makes_makemigrations_propose_a_migration(tmp_path):
    environment = {
        name: value
        for name, value in os.environ.items()
        if not (name in CHANGED or name.startswith("DJANGO_"))
    }
    environment |= CHANGED | {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
