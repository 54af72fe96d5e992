"""Newsroom settings: one module, every value from the environment (see .env.example)."""

import functools
import os
import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from articles import editor_extensions
from newsroom import configuration

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables set in the environment always win over the optional .env file.
environ.Env.read_env(os.environ.get("ENV_FILE", BASE_DIR / ".env"), overwrite=False)
# Each value is checked as it is read (newsroom/configuration.py): a wrong one stops the site.
env_bool = functools.partial(configuration.boolean, env)  # yes/no: true/false, on/off, 1/0

DEBUG = env_bool("DEBUG", default=False)
# Required outside DEBUG; `make run` writes a .env with a fresh one for local development.
SECRET_KEY = configuration.secret_key(env, debug=DEBUG)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "newsroom.http.views.csrf_failure"

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin with a throttled sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prose_editor",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "audit",
    "pictures",
    "embeds",
    "articles",
    "live",
    "chrome",
    "comments",
    "figures",
    "fronts",
    "newsletters",
    "wordpress",
    # Last, so that its post_migrate handler runs after every app's permissions exist.
    "newsroom",
]

MIDDLEWARE = [
    "newsroom.http.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the headers too.
    "newsroom.http.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.http.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress addresses: asked only for the site's own "not found" and `/?p=12`.
    "wordpress.middleware.OldAddressMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    # Outside the session, CSRF and messages middleware: a hit needs none of them, and a
    # response that sets a cookie is seen, and never stored.
    "newsroom.pagecache.middleware.ReaderPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # which second factor, if any, this session gave
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"
SITE_ID = 1

# Readers' pages are Jinja2 templates in templates/readers/ (see newsroom/jinja2.py); the admin
# (the desk) uses Django's templates, its overrides in templates/desk/.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates/readers"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates/desk"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Keep each worker's connection between requests (a new PostgreSQL connection per request costs
# more than the page), checked before reuse so a restarted database is no surprise.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode, a cursor cannot outlive its transaction on the server.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "DATABASE_TRANSACTION_POOLER", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while a writer (a second `make run`, a migration) works.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (newsroom/tasks/): queued in the database, run by `manage.py worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task still marked running this long after it started is taken for abandoned (its worker
# was killed) and queued again: keep it above the longest task.
TASK_LEASE_SECONDS = configuration.task_lease_seconds(env)

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An unreachable Redis is a miss, not a 500 (newsroom/pagecache/backends.py), found out fast.
    CACHES["default"]["BACKEND"] = "newsroom.pagecache.backends.ResilientRedisCache"
    _timeout = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": _timeout, "socket_timeout": _timeout}
    )
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
    # A full or read-only cache folder is a miss, not a 500; the folder is counted now and
    # then, not at every write (newsroom/pagecache/backends.py).
    CACHES["default"]["BACKEND"] = "newsroom.pagecache.backends.ResilientFileBasedCache"
# The anonymous readers' page cache (newsroom/pagecache/); 0 switches it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
# Shared caches in front (Varnish, a CDN) to purge by tag after every change readers see: a list of
# addresses taking PURGE requests with the tags in CACHE_TAG_HEADER (newsroom/pagecache/shared.py).
CACHE_PURGE_URLS = env.list("CACHE_PURGE_URLS", default=[])
for _url in CACHE_PURGE_URLS:
    if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", _url):
        raise ImproperlyConfigured(
            "CACHE_PURGE_URLS must be http:// or https:// addresses, comma-separated; "
            f"got {_url!r}."
        )
CACHE_TAG_HEADER = env.str("CACHE_TAG_HEADER", default="xkey")
# The longest a shared cache may take over one purge (connect, send and answer together); a
# background thread sends them, so this never delays a save. Longer, and it is tried again later.
try:
    PURGE_TIMEOUT_SECONDS = env.float("PURGE_TIMEOUT_SECONDS", default=2.0)
except ValueError:
    PURGE_TIMEOUT_SECONDS = -1
if not 0 < PURGE_TIMEOUT_SECONDS <= 300:
    raise ImproperlyConfigured("PURGE_TIMEOUT_SECONDS must be more than 0 seconds and at most 300.")
# One machine without Redis: the purge sequence in this file, mapped into memory by every worker.
PURGE_SEQUENCE_FILE = env.str("PURGE_SEQUENCE_FILE", default="")
# Browsers ask again every time by default (answered with a 304), so a reader who has just
# posted sees the page with their message; shared caches keep pages until a purge, or this
# long: longer when they are purged by tag.
BROWSER_CACHE_SECONDS = env.int("BROWSER_CACHE_SECONDS", default=0)
SHARED_CACHE_SECONDS = env.int(
    "SHARED_CACHE_SECONDS", default=24 * 3600 if CACHE_PURGE_URLS else 60
)

# The desk's sign-in: this many failures for one username from one address lock that pair for the
# cool-off period (one address alone gets five times as many). See newsroom/desk/logins.py.
LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MINUTES = configuration.login_limits(env)
# Where sign-in locks and rate limits are counted (newsroom/security/ratelimit.py): never in the
# page cache, which drops entries to make room. Empty (the default): a table in the database. Or a
# Redis database of their own, redis://host:6379/2, set to evict nothing (noeviction).
# Never the page cache's own database (CACHE_URL): emptying the cache would unlock every account.
SECURITY_STORE_URL = configuration.security_store_url(env)

# A second factor at the desk's sign-in (newsroom/desk/second_factor.py): "publishers" requires it
# of superusers and everyone who may publish (Editors), others may set one up; "staff", of everyone;
# "none" (the default with DEBUG on, for a local copy), of no one.
TWO_FACTOR_REQUIRED = configuration.two_factor_required(env, debug=DEBUG)
OTP_TOTP_ISSUER = env.str("SITE_NAME", default="The Newsroom")
PASSWORD_RESET_TIMEOUT = configuration.password_reset_seconds(env)  # PASSWORD_RESET_HOURS

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = env.str("STATIC_URL", default="static/")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded pictures and their renditions: on this machine's disk ("files"), or in S3-compatible
# object storage ("s3") that every app server and worker shares.
# Set MEDIA_STORAGE=s3 with S3_BUCKET and S3_PUBLIC_URL (or S3_ENDPOINT_URL, S3_REGION).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="files")
_media_storage, MEDIA_URL = configuration.media_storages(env, MEDIA_URL)
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 60 * 60  # unhashed files; hashed ones are cached for a year

# Uploads: refuse what no editor needs rather than filling the disk. A form larger than this
# (files aside) or with more fields is answered with 413 and a page naming the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

# The body editor's own extensions: their script, and the markup each may leave in a body.
DJANGO_PROSE_EDITOR_EXTENSIONS = editor_extensions.SETTING

# A request's body must arrive whole within this many seconds of its headers, or the client is
# answered 408 and the connection closed (newsroom/asgi.py): a client sending slowly holds a
# connection, never a worker.
REQUEST_BODY_SECONDS = configuration.request_body_seconds(env)

# Security: safe by default, switched by the environment behind a TLS proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Behind a TLS proxy: "true" trusts `X-Forwarded-Proto: https`; a header name, optionally with
# its value ("CloudFront-Forwarded-Proto" or "X-Forwarded-Ssl=on"), trusts that header instead.
SECURE_PROXY_SSL_HEADER = configuration.proxy_ssl_header(env)
_origin = configuration.origin  # static or media on a CDN: the scheme and host, for the policy

# Content-Security-Policy (django-csp), in every mode. Scripts come from our own files only; the
# admin's body editor has one inline import map, allowed by a nonce made for that response alone.
# Readers' pages never ask for a nonce, so a cached page carries no nonce to replay.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_origin(STATIC_URL)],
        "style-src": [SELF, *_origin(STATIC_URL)],
        "img-src": [SELF, "data:", *_origin(STATIC_URL), *_origin(MEDIA_URL)],
        "font-src": [SELF, *_origin(STATIC_URL)],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SITE_NAME = env.str("SITE_NAME", default="The Newsroom")
# The site's own address, for links in e-mail (never the Host a request named): by default the
# first of ALLOWED_HOSTS, https (http with DEBUG on). Scheme and host, with a port if not usual.
SITE_URL = configuration.site_url(env, debug=DEBUG, allowed_hosts=ALLOWED_HOSTS)
# Let the app serve uploaded files itself: for development and `make serve` on one machine only;
# in production the web server, a CDN or the storage backend serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
# Never a reader's page, so never kept by the page cache; each app adds its own (newsroom/apps.py).
PAGE_CACHE_SKIP = (f"/{ADMIN_URL}", "/healthz", "/static/", "/media/")
# Staff's session cookie goes to the desk only: readers' pages are the same for staff as for
# everyone (their cookies are dropped there anyway, newsroom/pagecache/middleware.py).
SESSION_COOKIE_PATH = f"/{ADMIN_URL}"
PREVIEW_LINK_HOURS = env.int("PREVIEW_LINK_HOURS", default=48)
# How often the article form sends an editor's working copy while it has unsaved changes.
DESK_AUTOSAVE_SECONDS = env.int("DESK_AUTOSAVE_SECONDS", default=30)
ARTICLES_PER_PAGE = 20

# Embeds (embeds/): a provider's oEmbed endpoint is asked once, in the background, and must
# answer within EMBED_TIMEOUT_SECONDS with at most EMBED_MAX_BYTES. EMBED_PROVIDERS adds
# providers to the table in embeds/providers.py: a JSON list of objects with its keys (name,
# patterns, endpoint, kind, hosts, label, script). Instagram's endpoint needs an app's token.
EMBED_TIMEOUT_SECONDS = env.float("EMBED_TIMEOUT_SECONDS", default=5.0)
EMBED_MAX_BYTES = env.int("EMBED_MAX_BYTES", default=512 * 1024)
EMBED_PROVIDERS = env.json("EMBED_PROVIDERS", default=[])
EMBED_INSTAGRAM_ACCESS_TOKEN = env.str("EMBED_INSTAGRAM_ACCESS_TOKEN", default="")
if not (0 < EMBED_TIMEOUT_SECONDS <= 60 and EMBED_MAX_BYTES > 0) or not isinstance(
    EMBED_PROVIDERS, list
):
    raise ImproperlyConfigured(
        "EMBED_TIMEOUT_SECONDS must be more than 0 and at most 60, EMBED_MAX_BYTES more than 0, "
        'and EMBED_PROVIDERS a JSON list such as [{"name": "Example", ...}].'
    )

# The WordPress import commits this many posts (with their comments), or pictures, at a time:
# between two batches the site's own writes, readers' replies among them, go through.
WORDPRESS_IMPORT_BATCH = configuration.import_batch(env)

# Reader replies: limits and anti-abuse (see docs/moderation.md).
REPLY_MAX_LENGTH = env.int("REPLY_MAX_LENGTH", default=5000)
# At most this many replies in this many seconds from one client, e.g. 5/60.
REPLY_RATE_LIMIT = configuration.reply_rate_limit(env)
REPLY_MIN_SECONDS = env.int("REPLY_MIN_SECONDS", default=2)  # faster than this is held
REPLY_CLOSE_AFTER_DAYS = env.int("REPLY_CLOSE_AFTER_DAYS", default=14)  # 0: never
REPLY_PAGE_SIZE = env.int("REPLY_PAGE_SIZE", default=50)  # top-level replies a page
# Live pages: updates a page, and how often an open page asks for new ones.
LIVE_UPDATES_PER_PAGE, LIVE_POLL_SECONDS = configuration.live_pages(env)
REPLY_MAX_DEPTH = 3
REPLY_REPORT_THRESHOLD = env.int("REPLY_REPORT_THRESHOLD", default=3)
REPLY_NOTIFY_EMAILS = env.list("REPLY_NOTIFY_EMAILS", default=[])
# Days a reply keeps its hashed client address and browser (`manage.py forget_reply_clients`).
REPLY_CLIENT_DETAILS_DAYS = env.int("REPLY_CLIENT_DETAILS_DAYS", default=30)
NEWSLETTER_CONFIRM_HOURS = env.int("NEWSLETTER_CONFIRM_HOURS", default=48)  # links expire
NEWSLETTER_BATCH_SIZE, NEWSLETTER_SEND_RATE, NEWSLETTER_WEBHOOK_SECRET = configuration.mailing(env)
# Story figures (figures/): one page view in this many is counted by the readers' browsers, and
# counted as this many (1 counts every view); the hourly rows are kept this many days.
FIGURES_SAMPLE_RATE = configuration.sample_rate(env)
FIGURES_RETENTION_DAYS = configuration.retention_days(env)
# The proxies in front (Varnish, a load balancer) whose X-Forwarded-For and X-Request-ID are
# believed: addresses or networks, comma-separated (127.0.0.1,10.0.0.0/8); from anyone else the
# connection's own address counts (newsroom/security/client.py). NUM_PROXIES is refused.
TRUSTED_PROXIES = configuration.trusted_proxies(env)

# E-mail from one address: smtp://, smtp+tls:// (STARTTLS, port 587), smtp+ssl:// (port 465),
# with user:password@host:port; consolemail:// (the default) prints messages instead.
_email = configuration.email(env)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT")  # none given: 25, or 465 with smtp+ssl://
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)  # smtp+tls://
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)  # smtp+ssl://
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", "")  # filemail://
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds before a silent server fails
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Operator", a) for a in env.list("ADMINS", default=[])]

# One JSON object a line for the log collector, or readable text while developing.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logs.JsonFormatter"},
        "text": {"()": "newsroom.logs.TextFormatter"},
    },
    "filters": {"request_id": {"()": "newsroom.logs.RequestIdFilter"}},
    "handlers": {
        # Written by a thread of each process, off the request path (newsroom/logs/background.py).
        "console": {
            "class": "newsroom.logs.background.BackgroundHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per request (runserver logs its own while developing).
        "newsroom.requests": {
            "level": "INFO" if env_bool("LOG_REQUESTS", default=not DEBUG) else "WARNING"
        },
    },
}
