"""The desk's sign-in: password guessing is stopped after a few failures.

Attempts are counted in the security store (newsroom/security/ratelimit.py: the database, or a
Redis of its own; never the page cache, which drops entries to make room) under two keys: the
username typed together with the client's address, and the address alone with a larger
allowance, so
one address cannot try many usernames either. Each attempt is counted before the password (or
the second step's code) is checked, so attempts sent at once cannot all slip under the limit:
of twenty at once, ten are checked and the rest refused. A correct one takes its count back.
Once a count reaches its limit the pair (or the address) is locked for a cool-off period,
correct password or not, and the form says so and until when.
"""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom.security import ratelimit
from newsroom.security.client import client_address
from newsroom.tasks import send_email

logger = logging.getLogger("newsroom.logins")

# One address may fail this many times more than one account from it.
ADDRESS_FACTOR = 5


def _hashed(text: str) -> str:
    return salted_hmac("newsroom.logins", text).hexdigest()[:32]


def _keys(request, username: str) -> list[tuple[str, int]]:
    """The two counts an attempt adds to, with their limits: this username from this address,
    and this address whatever the username."""
    address = client_address(request)
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login:pair:{_hashed(f'{username.strip().casefold()}|{address}')}", limit),
        (f"login:address:{_hashed(address)}", limit * ADDRESS_FACTOR),
    ]


def locked_until(request, username: str) -> datetime | None:
    """When the lock on this username from this address ends, or None if it is not locked."""
    return ratelimit.locked_until([key for key, _ in _keys(request, username)])


class Attempt:
    """One try at the password or a code, counted as soon as it is made. `locked_until` says
    when the lock ends if it may not be checked at all; else tell it whether it `failed()` or
    `succeeded()`."""

    def __init__(self, request, username: str):
        self.request, self.username = request, username
        self.counts: list[tuple[str, int, int]] = []
        self.locked_until = locked_until(request, username)
        if self.locked_until is None:
            seconds = settings.LOGIN_LOCKOUT_MINUTES * 60
            for key, limit in _keys(request, username):
                self.counts.append((key, limit, ratelimit.count(key, seconds=seconds)))
            over = [key for key, limit, count in self.counts if count > limit]
            if over:  # others sent at the same moment used the last tries
                self.locked_until = self._lock(over)

    def _lock(self, keys: list[str]) -> datetime:
        ends = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        for key in keys:
            ratelimit.lock(key, until=ends)
        return ends

    def failed(self) -> None:
        reached = [(key, count) for key, limit, count in self.counts if count >= limit]
        if reached:
            ends = self._lock([key for key, _ in reached])
            logger.warning(
                "sign-in locked: username=%r address=%s failures=%s until=%s",
                self.username[:150],
                client_address(self.request),
                max(count for _, count in reached),
                ends.isoformat(timespec="seconds"),
            )

    def succeeded(self) -> None:
        (pair, *_), (address, *_) = self.counts
        ratelimit.reset(pair)
        ratelimit.give_back(address)


def locked_message(ends: datetime) -> str:
    return ThrottledLoginForm.error_messages["locked"] % {
        "until": timezone.localtime(ends).strftime("%H:%M %Z"),
        "minutes": settings.LOGIN_LOCKOUT_MINUTES,
    }


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
        attempt = Attempt(self.request, username)
        if attempt.locked_until:
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={
                    "until": timezone.localtime(attempt.locked_until).strftime("%H:%M %Z"),
                    "minutes": settings.LOGIN_LOCKOUT_MINUTES,
                },
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            attempt.failed()
            raise
        attempt.succeeded()
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
        # The site's configured address: never the Host the request named, which anyone can set
        # (a link to their own server would carry the reset token to them).
        site = urlsplit(settings.SITE_URL)
        kwargs.update(domain_override=site.netloc, use_https=site.scheme == "https")
        kwargs["extra_email_context"] = {"site_name": settings.SITE_NAME}
        super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email.enqueue(subject, body, [to_email])
        logger.info("password reset link queued for user %s", context["user"].pk)
