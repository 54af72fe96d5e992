"""The desk's sign-in: password guessing is stopped after a few failures.

Failures are counted in the cache (Redis in production, so every app server sees the same
counts) under two keys: the username typed together with the client's address, and the address
alone with a larger allowance, so one address cannot try many usernames either. Once a count
reaches its limit the pair (or the address) is locked for a cool-off period, correct password or
not, and the form says so and until when.
"""

import logging
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom import ratelimit
from newsroom.client import client_address
from newsroom.tasks import send_email

logger = logging.getLogger("newsroom.logins")

# One address may fail this many times more than one account from it.
ADDRESS_FACTOR = 5


def _hashed(text: str) -> str:
    return salted_hmac("newsroom.logins", text).hexdigest()[:32]


def _keys(request, username: str) -> list[tuple[str, int]]:
    """The two counts a failure adds to, with their limits: this username from this address,
    and this address whatever the username."""
    address = client_address(request)
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login:pair:{_hashed(f'{username.strip().casefold()}|{address}')}", limit),
        (f"login:address:{_hashed(address)}", limit * ADDRESS_FACTOR),
    ]


def locked_until(request, username: str):
    """When the lock on this username from this address ends, or None if it is not locked."""
    ends = cache.get_many([f"{key}:locked" for key, _ in _keys(request, username)]).values()
    now = timezone.now()
    return max((end for end in ends if end > now), default=None)


def record_failure(request, username: str) -> None:
    seconds = settings.LOGIN_LOCKOUT_MINUTES * 60
    for key, limit in _keys(request, username):
        failures = ratelimit.count(key, timeout=seconds)
        if failures >= limit:
            ends = timezone.now() + timedelta(seconds=seconds)
            cache.set(f"{key}:locked", ends, timeout=seconds)
            cache.delete(key)
            logger.warning(
                "sign-in locked: username=%r address=%s failures=%s until=%s",
                username[:150],
                client_address(request),
                failures,
                ends.isoformat(timespec="seconds"),
            )


def record_success(request, username: str) -> None:
    cache.delete(_keys(request, username)[0][0])


class ThrottledLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked": (
            "Too many failed sign-in attempts. Signing in to this account from your address is "
            "paused until %(until)s (%(minutes)s minutes after the last failure). If you have "
            "forgotten your password, reset it from the sign-in page's link, or ask the site's "
            "operator."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ends = locked_until(self.request, username)
        if ends:
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={
                    "until": timezone.localtime(ends).strftime("%H:%M %Z"),
                    "minutes": settings.LOGIN_LOCKOUT_MINUTES,
                },
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(self.request, username)
            raise
        record_success(self.request, username)
        return cleaned


class StaffPasswordResetForm(PasswordResetForm):
    """A reset link by e-mail, for staff only (readers have no accounts), sent by a worker.
    Every address gets the same answer, so the form tells no one who works here; each address
    may ask a few times an hour."""

    email = forms.EmailField(label="E-mail address", max_length=254)

    def get_users(self, email):
        return (user for user in super().get_users(email) if user.is_staff)

    def save(self, *args, request=None, **kwargs):
        address = client_address(request) if request else ""
        if ratelimit.hit(f"password-reset:{_hashed(address)}", limit=5, seconds=3600):
            logger.warning("password reset refused: too many from address=%s", address)
            return
        if request is not None:  # the address the member of staff used, not the Sites table's
            kwargs["domain_override"] = request.get_host()
        kwargs["extra_email_context"] = {"site_name": settings.SITE_NAME}
        super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):  # fmt: skip
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject, body, [to_email])
        logger.info("password reset link queued for user %s", context["user"].pk)
