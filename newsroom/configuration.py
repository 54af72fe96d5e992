"""The settings' values read from the environment and checked (newsroom/settings.py uses these).

A value the site cannot run with stops it at start, with a message naming the variable and an
example of a right value: an operator finds the mistake at deploy, not at the first request.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from newsroom import media_storage

_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0")


def boolean(env, name: str, default: bool) -> bool:
    """A yes/no setting; anything but true/false, yes/no, on/off or 1/0 stops the site."""
    value = env.str(name, default="").strip().lower()
    if value in ("", *_TRUE, *_FALSE):
        return default if value == "" else value in _TRUE
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def secret_key(env, *, debug: bool) -> str:
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(for local development, `make run` writes a .env with a fresh key)."
        )
    return "insecure-development-only-key"


def task_lease_seconds(env) -> int:
    try:
        seconds = env.int("TASK_LEASE_SECONDS", default=300)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ImproperlyConfigured(
            "TASK_LEASE_SECONDS must be a whole number of seconds, at least 1."
        )
    return seconds


def login_limits(env) -> tuple[int, int]:
    """(failures before a lock, minutes the lock lasts)."""
    limit = env.int("LOGIN_FAILURE_LIMIT", default=10)
    minutes = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
    if not 1 <= limit <= 10 or minutes < 1:
        raise ImproperlyConfigured(
            "LOGIN_FAILURE_LIMIT must be between 1 and 10 and LOGIN_LOCKOUT_MINUTES at least 1."
        )
    return limit, minutes


def security_store_url(env) -> str:
    url = env.str("SECURITY_STORE_URL", default="").strip()
    if url and not re.fullmatch(r"rediss?://\S+", url):
        raise ImproperlyConfigured(
            "SECURITY_STORE_URL must be empty (the database) or a redis:// address such as "
            f"redis://127.0.0.1:6379/2; got {url!r}."
        )
    if url and url.rstrip("/") == env.str("CACHE_URL", "").rstrip("/"):
        raise ImproperlyConfigured(
            "SECURITY_STORE_URL must not be the page cache's Redis database (CACHE_URL): "
            "emptying the cache would unlock every account. Give it a database of its own, "
            "e.g. /2."
        )
    return url


def two_factor_required(env, *, debug: bool) -> str:
    required = env.str("TWO_FACTOR_REQUIRED", default="none" if debug else "publishers")
    if required not in ("publishers", "staff", "none"):
        raise ImproperlyConfigured(
            f"TWO_FACTOR_REQUIRED must be publishers, staff or none, not {required!r}."
        )
    return required


def password_reset_seconds(env) -> int:
    seconds = env.int("PASSWORD_RESET_HOURS", default=2) * 3600
    if seconds < 3600:
        raise ImproperlyConfigured("PASSWORD_RESET_HOURS must be a whole number of at least 1.")
    return seconds


def media_storages(env, media_url: str) -> tuple[dict, str]:
    """The STORAGES entry for uploads ("files" on this disk, or "s3"), and MEDIA_URL."""
    kind = env.str("MEDIA_STORAGE", default="files")
    if kind == "files":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, media_url
    if kind == "s3":
        return media_storage.s3(env)
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be files or s3, not {kind!r}.")


def request_body_seconds(env) -> float:
    try:
        seconds = float(env.str("REQUEST_BODY_SECONDS", default="10"))
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 3600:
        raise ImproperlyConfigured(
            "REQUEST_BODY_SECONDS must be a number of seconds above 0 and below 3600, not "
            f"{env.str('REQUEST_BODY_SECONDS')!r}."
        )
    return seconds


def proxy_ssl_header(env) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER: "true" trusts `X-Forwarded-Proto: https`; a header name,
    optionally with its value ("X-Forwarded-Ssl=on"), trusts that header; false, none."""
    header = env.str("SECURE_PROXY_SSL_HEADER", default="false").strip()
    if header.lower() in _TRUE:
        header = "X-Forwarded-Proto=https"
    if header.lower() in ("", *_FALSE):
        return None
    name, _, value = header.partition("=")
    if not re.fullmatch(r"[A-Za-z0-9-]+", name.strip()):
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be true, false, or a header name such as "
            f"X-Forwarded-Proto, optionally with =value; got {header!r}."
        )
    return "HTTP_" + name.strip().upper().replace("-", "_"), value.strip() or "https"


def origin(url: str) -> list[str]:
    """The scheme and host of an absolute URL (static or media on a CDN), for the policy."""
    scheme, _, rest = url.partition("://")
    return [f"{scheme}://{rest.split('/', 1)[0]}"] if rest else []


def site_url(env, *, debug: bool, allowed_hosts: list[str]) -> str:
    """The site's own address for links in e-mail: by default the first of ALLOWED_HOSTS."""
    host = next((h.lstrip(".") for h in allowed_hosts if h.lstrip(".") not in ("", "*")), "")
    url = env.str(
        "SITE_URL", default=f"{'http' if debug else 'https'}://{host or 'localhost'}"
    ).rstrip("/")
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not re.fullmatch(r"[\w.-]+(:\d{1,5})?|\[[0-9a-fA-F:.]+\](:\d{1,5})?", parts.netloc)
        or f"{parts.scheme}://{parts.netloc}" != url
    ):
        raise ImproperlyConfigured(
            "SITE_URL must be the site's address, http:// or https:// and a host name, with a "
            f"port if needed and no path, such as https://news.example.org; got {url!r}."
        )
    return url


def import_batch(env) -> int:
    batch = env.str("WORDPRESS_IMPORT_BATCH", default="50").strip()
    if not batch.isdigit() or int(batch) < 1:
        raise ImproperlyConfigured(
            f"WORDPRESS_IMPORT_BATCH must be a whole number of posts, at least 1, not {batch!r}."
        )
    return int(batch)


def reply_rate_limit(env) -> tuple[int, int]:
    """(replies, seconds), from e.g. 5/60."""
    try:
        limit = tuple(int(n) for n in env.str("REPLY_RATE_LIMIT", default="5/60").split("/"))
    except ValueError:
        limit = ()
    if len(limit) != 2 or min(limit) < 1:
        raise ImproperlyConfigured(
            "REPLY_RATE_LIMIT must be two positive whole numbers, replies/seconds, such as 5/60."
        )
    return limit


def sample_rate(env) -> int:
    """FIGURES_SAMPLE_RATE: one page view in N is counted (and counted as N)."""
    rate = env.str("FIGURES_SAMPLE_RATE", default="10").strip()
    if not rate.isdigit() or not 1 <= int(rate) <= 1000:
        raise ImproperlyConfigured(
            "FIGURES_SAMPLE_RATE must be a whole number from 1 (every view) to 1000, such as "
            f"10 (one view in ten is counted, as ten); got {rate!r}."
        )
    return int(rate)


def retention_days(env) -> int:
    """FIGURES_RETENTION_DAYS: days the story figures' hourly rows are kept."""
    days = env.str("FIGURES_RETENTION_DAYS", default="400").strip()
    if not days.isdigit() or int(days) < 14:
        raise ImproperlyConfigured(
            "FIGURES_RETENTION_DAYS must be a whole number of days, at least 14 (a story's "
            f"figures page shows its last fortnight), such as 400; got {days!r}."
        )
    return int(days)


def live_pages(env) -> tuple[int, int]:
    """(updates a live page shows, seconds between an open page's asks for new ones)."""
    per_page = env.int("LIVE_UPDATES_PER_PAGE", default=20)
    poll = env.int("LIVE_POLL_SECONDS", default=30)
    if per_page < 1 or poll < 1:
        raise ImproperlyConfigured(
            "LIVE_UPDATES_PER_PAGE and LIVE_POLL_SECONDS must be whole numbers of at least 1."
        )
    return per_page, poll


def trusted_proxies(env) -> list[str]:
    proxies = env.list("TRUSTED_PROXIES", default=[])
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                "TRUSTED_PROXIES must be IP addresses or networks, comma-separated, such as "
                f"127.0.0.1,10.0.0.0/8; got {proxy!r}."
            ) from None
    if env.str("NUM_PROXIES", default="0").strip() not in ("", "0"):
        raise ImproperlyConfigured(
            "NUM_PROXIES is no longer read: it trusted X-Forwarded-For from any client that "
            "reached the app directly. Set TRUSTED_PROXIES to your proxies' addresses or networks "
            "instead (TRUSTED_PROXIES=127.0.0.1 for Varnish on the same machine), and remove "
            "NUM_PROXIES."
        )
    return proxies


def email(env) -> dict:
    """EMAIL_URL read by django-environ: {EMAIL_BACKEND, EMAIL_HOST, …}, unset parts left out."""
    try:
        config = env.email_url("EMAIL_URL", default="consolemail://")
    except (ImproperlyConfigured, ValueError) as error:
        raise ImproperlyConfigured(
            f"EMAIL_URL is not an e-mail address django-environ reads ({error}); use e.g. "
            "smtp+tls://user:password@mail.example.org:587 or consolemail://."
        ) from None
    return {name: value for name, value in config.items() if value not in (None, "")}


def mailing(env) -> tuple[int, int, str]:
    """Newsletters' sending: (NEWSLETTER_BATCH_SIZE, messages sent over one SMTP connection
    before the worker takes up the next batch; NEWSLETTER_SEND_RATE, at most how many messages
    a second; NEWSLETTER_WEBHOOK_SECRET, the mail provider's webhook secret, "" for none)."""
    batch = env.str("NEWSLETTER_BATCH_SIZE", default="500").strip()
    rate = env.str("NEWSLETTER_SEND_RATE", default="20").strip()
    for name, value in (("NEWSLETTER_BATCH_SIZE", batch), ("NEWSLETTER_SEND_RATE", rate)):
        if not value.isdigit() or not 1 <= int(value) <= 100_000:
            raise ImproperlyConfigured(
                f"{name} must be a whole number from 1 to 100000, such as 500 messages a "
                f"batch or 20 messages a second; got {value!r}."
            )
    return int(batch), int(rate), env.str("NEWSLETTER_WEBHOOK_SECRET", default="")
