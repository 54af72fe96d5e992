"""Cached addresses for what every page prints many times: sections, authors and articles
(Django's `reverse()` walks the URL patterns on every call), and pictures' files (a storage
builds each address with `urljoin`). A stored file's name never changes its address: media
storage is public, as a CDN in front of it needs."""

from functools import lru_cache

from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=50_000)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)


def url(name: str, *args) -> str:
    """`reverse(name, args=args)`, remembered per script prefix."""
    return _reverse(get_script_prefix(), name, args)


@lru_cache(maxsize=100_000)
def media_url(name: str) -> str:
    """`default_storage.url(name)`, remembered."""
    return default_storage.url(name)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "ADMIN_URL"):
        _reverse.cache_clear()
    if setting in ("MEDIA_URL", "MEDIA_ROOT", "STORAGES"):
        media_url.cache_clear()
