"""S3-compatible object storage for uploaded pictures, from the environment (see settings).

Files are public and named once (a rendition's name holds its key), so their addresses are
plain URLs under one public base: the bucket's own address, or a CDN's (`S3_PUBLIC_URL`).
That base is MEDIA_URL too, so the body sanitiser and the CSP allow exactly it.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// address such as "
            f"https://s3.eu-west-1.amazonaws.com; got {value!r}."
        )
    return value.rstrip("/")


def s3(env) -> tuple[dict, str]:
    """The STORAGES entry for django-storages' S3 backend, and the MEDIA_URL it serves from."""
    bucket = env.str("S3_BUCKET", default="")
    if not _BUCKET.fullmatch(bucket):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_BUCKET, the bucket's name (3 to 63 lower-case letters, "
            f"digits, dots and hyphens); got {bucket!r}."
        )
    endpoint = env.str("S3_ENDPOINT_URL", default="")
    endpoint = _http_url("S3_ENDPOINT_URL", endpoint) if endpoint else ""
    region = env.str("S3_REGION", default="")
    access_key = env.str("S3_ACCESS_KEY_ID", default="")
    secret_key = env.str("S3_SECRET_ACCESS_KEY", default="")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither to use "
            "the machine's own credentials (an instance role, ~/.aws)."
        )
    public = env.str("S3_PUBLIC_URL", default="")
    if public:
        public = _http_url("S3_PUBLIC_URL", public)
    elif endpoint:
        public = f"{endpoint}/{bucket}"  # path-style, as every S3-compatible server answers
    elif region:
        public = f"https://{bucket}.s3.{region}.amazonaws.com"
    else:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_PUBLIC_URL (the CDN or bucket address readers load "
            "pictures from), S3_ENDPOINT_URL or S3_REGION."
        )
    base = urlsplit(public)
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        # Public files under one address: no signed URLs (a CDN could not cache them) and
        # no call to the storage to build an address.
        "querystring_auth": False,
        "custom_domain": base.netloc + base.path,
        "url_protocol": f"{base.scheme}:",
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, f"{public}/"
