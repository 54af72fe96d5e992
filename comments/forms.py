import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.forms.renderers import Jinja2

from comments.models import Reply
from comments.validators import no_control_characters, one_line

_STAMP_SALT = "newsroom.replies.form-started"


class HttpsURLField(forms.URLField):
    """A web address; one typed without a scheme is taken as https://."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class ReplyForm(forms.ModelForm):
    """The "Leave A Reply" form. `homepage` is a honeypot: hidden from people, filled by bots."""

    # Rendered on readers' pages, which are Jinja2 templates: Django's Jinja2 form templates
    # give the same markup as its own, several times faster.
    default_renderer = Jinja2()

    homepage = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    class Meta:
        model = Reply
        fields = ["name", "email", "website", "body", "notify_answers"]
        field_classes = {"website": HttpsURLField}
        labels = {
            "name": "Name",
            "email": "Email",
            "website": "Website",
            "body": "Reply",
            "notify_answers": "E-mail me when someone answers",
        }
        help_texts = {
            "email": "Required, never shown.",
            "website": "Optional.",
            "notify_answers": "To the address above, at most once an hour for each "
            "conversation; every e-mail has a link to stop them.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "website": forms.URLInput(attrs={"autocomplete": "url", "placeholder": "https://"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, parent=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = signing.dumps(time.time(), salt=_STAMP_SALT)
            if parent:
                self.initial["parent"] = parent.pk
        for name in ("name", "email", "website", "body"):
            field = self.fields[name]
            # Browsers cut pasted text at maxlength without a word; the server says so instead.
            field.widget.attrs.pop("maxlength", None)
            # One message for NUL and every other control character.
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            if name != "body":
                field.validators.append(one_line)
        body = self.fields["body"]
        body.max_length = settings.REPLY_MAX_LENGTH
        body.validators.append(MaxLengthValidator(body.max_length))
        body.help_text = f"Up to {body.max_length:,} characters."

    def seconds_to_fill(self, now: float | None = None) -> float | None:
        """How long the reader had the form before sending it; None if unknown or tampered."""
        try:
            started = signing.loads(
                self.cleaned_data.get("started") or "", salt=_STAMP_SALT, max_age=24 * 3600
            )
        except signing.BadSignature:
            return None
        return (now or time.time()) - float(started)


class AnswerForm(forms.Form):
    """Staff answering a reader from the moderators' queue (comments/admin.py)."""

    body = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        validators=[no_control_characters],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        # One message for NUL and every other control character, as in the readers' form.
        body.validators = [
            v for v in body.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        body.max_length = settings.REPLY_MAX_LENGTH
        body.validators.append(MaxLengthValidator(body.max_length))
        body.help_text = (
            f"Up to {body.max_length:,} characters. Published at once under the reply, signed "
            f"“{settings.SITE_NAME}” with the badge “From the newsroom”; the replier is "
            "e-mailed if they asked to be."
        )
