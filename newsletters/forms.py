"""The readers' forms: signing up (an address and lists), and a subscriber's choice of lists.

Both are rendered by hand in their templates (a fieldset of checkboxes with its legend, a few
hundred bytes on every story's page); the forms only read and check what was sent.
"""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

CHOOSE_ONE = "Choose at least one newsletter."


def _list_choices(lists) -> list[tuple[str, str]]:
    return [(str(n.pk), n.name) for n in lists]


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address such as name@example.org.",
            "max_length": "An e-mail address has at most 254 characters.",
        },
    )
    lists = forms.TypedMultipleChoiceField(
        label="Newsletters",
        coerce=int,
        error_messages={
            "required": CHOOSE_ONE,
            "invalid_choice": "That newsletter is no longer offered: choose from the list.",
        },
    )

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = _list_choices(lists)
        # One message for a NUL and any other character an address cannot hold.
        email = self.fields["email"]
        email.validators = [
            v for v in email.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def typed(self) -> tuple[str, set[int]]:
        """What was sent, as the form shows it again (a refused form keeps what was typed)."""
        email = str(self.data.get("email", ""))[:1000]  # kept whole, unless absurd
        ticked = set()
        for value in self.data.getlist("lists") if hasattr(self.data, "getlist") else ():
            if str(value).isdigit():
                ticked.add(int(value))
        return email, ticked


class ListsForm(forms.Form):
    """A subscriber's lists: none ticked is allowed here (it leaves every list)."""

    lists = forms.TypedMultipleChoiceField(
        label="Newsletters",
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": "That newsletter is no longer offered: choose from the list."
        },
    )

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lists"].choices = _list_choices(lists)
