"""The desk's second factor: a time-based code from an authenticator app (django-otp's TOTP),
or one of ten recovery codes, each good once.

After the password (newsroom/desk/logins.py), staff who must use a second factor, or who set one
up, are asked for a code before the desk opens. Who must: superusers and everyone holding a
permission that an app lists in its `second_step_permissions` (publishing, which Editors hold),
or every member of staff with `TWO_FACTOR_REQUIRED=staff`, or no one with `none` (the default
while DEBUG is on, so a local copy opens with the password). Others may set one up
from the desk's top bar. Wrong codes count towards the same sign-in lock as wrong passwords.
A code is asked for again at every sign-in; setting up a new app needs the old one's code first.
"""

import logging
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom.apps import declared
from newsroom.desk import logins

logger = logging.getLogger("newsroom.logins")

RECOVERY_CODES = 10
PENDING_DEVICE = "second_factor_pending_device"  # in the session of the sign-in setting one up
WRONG_CODE = (
    "That code is not right, or was used already. Type the six digits your app shows now, or "
    "one of your recovery codes."
)


def must_use(user) -> bool:
    """Whether this member of staff may not open the desk without a second factor."""
    required = settings.TWO_FACTOR_REQUIRED
    if required == "none":
        return False
    return (
        required == "staff"
        or user.is_superuser
        or any(user.has_perm(p) for p in needing_second_step())
    )


def needing_second_step() -> list[str]:
    """The permissions whose holders must give a second step: every app's
    `second_step_permissions`."""
    return [p for _, permissions in declared("second_step_permissions") for p in permissions]


def done(request) -> bool:
    """Whether the signed-in user has given a code, or needs none. Asked more than once a
    request (the admin checks permission for the page and again for its context): answered
    once per user and request."""
    user = request.user
    if getattr(user, "otp_device", None) is not None:  # set from the session (OTPMiddleware)
        return True
    known = getattr(request, "_second_factor_done", None)
    if known and known[0] == user.pk:
        return known[1]
    answer = not (must_use(user) or user_has_device(user))
    request._second_factor_done = (user.pk, answer)
    return answer


def next_step(request, after: str):
    """Where a signed-in member of staff goes before the desk: the code, or setting one up."""
    name = "two_factor" if user_has_device(request.user) else "two_factor_setup"
    return redirect(f"{reverse(f'admin:{name}')}?{REDIRECT_FIELD_NAME}={after}")


def _after(request) -> str:
    wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else reverse("admin:index")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The six digits your authenticator app shows for this site, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


def _locked(request, ends, template, context):
    context["form"].add_error(None, logins.locked_message(ends))
    response = TemplateResponse(request, template, context, status=429)
    response["Retry-After"] = str(settings.LOGIN_LOCKOUT_MINUTES * 60)
    return response


def _wrong_code(request, attempt, form, template, context):
    attempt.failed()
    logger.warning("second factor refused for user %s", request.user.pk)
    form.add_error("code", WRONG_CODE)
    return TemplateResponse(request, template, context, status=400)


def verify(site, request):
    """Ask for a code after the password."""
    if not (request.user.is_active and request.user.is_staff):
        return redirect("admin:login")
    if not user_has_device(request.user):
        return next_step(request, _after(request))
    form = CodeForm(request.POST or None)
    context = {**site.each_context(request), "form": form, "next": _after(request)}
    context["title"] = "Your second step"
    if request.method == "POST":
        attempt = logins.Attempt(request, request.user.get_username())
        if attempt.locked_until:
            return _locked(request, attempt.locked_until, "admin/two_factor.html", context)
        device = match_token(request.user, form.cleaned_data["code"]) if form.is_valid() else None
        if device is None:
            return _wrong_code(request, attempt, form, "admin/two_factor.html", context)
        otp_login(request, device)
        attempt.succeeded()
        used = "a recovery code" if isinstance(device, StaticDevice) else "the app"
        logger.info("second factor given by user %s with %s", request.user.pk, used)
        return redirect(_after(request))
    return TemplateResponse(request, "admin/two_factor.html", context)


def set_up(site, request):
    """Set up an authenticator app: a QR code to scan, the code it then shows, and recovery
    codes. Someone who has an app already gives its code first (a stolen password alone must
    not be enough to add one)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect("admin:login")
    if user_has_device(user) and getattr(user, "otp_device", None) is None:
        return next_step(request, request.get_full_path())
    device = _pending_device(request)
    form = CodeForm(request.POST or None)
    key = b32encode(device.bin_key).decode()
    context = {
        **site.each_context(request),
        "title": "Set up your second step",
        "form": form,
        "next": _after(request),
        "qr_code": segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#111", light="#fff", omitsize=False
        ),
        "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
        "required": must_use(user),
    }
    if request.method == "POST":
        attempt = logins.Attempt(request, user.get_username())
        if attempt.locked_until:
            return _locked(request, attempt.locked_until, "admin/two_factor_setup.html", context)
        if not (form.is_valid() and device.verify_token(form.cleaned_data["code"])):
            return _wrong_code(request, attempt, form, "admin/two_factor_setup.html", context)
        codes = _confirm(user, device)
        request.session.pop(PENDING_DEVICE, None)
        otp_login(request, device)
        attempt.succeeded()
        logger.info("second factor set up by user %s", user.pk)
        context.update(title="Your recovery codes", codes=codes)
        return TemplateResponse(request, "admin/two_factor_codes.html", context)
    return TemplateResponse(request, "admin/two_factor_setup.html", context)


def _pending_device(request) -> TOTPDevice:
    """The app being set up in this sign-in: its key is shown to this session only. Another
    sign-in to the same account (someone else who has the password) gets a key of its own."""
    device = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE), user=request.user, confirmed=False
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name="Authenticator app", confirmed=False
        )
        request.session[PENDING_DEVICE] = device.pk
    return device


@transaction.atomic
def _confirm(user, device) -> list[str]:
    """The new app replaces any other, and every other one being set up; ten new recovery
    codes replace the old ones."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return codes
