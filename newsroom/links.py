"""Cached URL reversing for the addresses every page prints many times (sections, authors,
articles): Django's `reverse()` walks the URL patterns on every call."""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


@lru_cache(maxsize=50_000)
def _reverse(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)


def url(name: str, *args) -> str:
    """`reverse(name, args=args)`, remembered per script prefix."""
    return _reverse(get_script_prefix(), name, args)


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "ADMIN_URL"):
        _reverse.cache_clear()
