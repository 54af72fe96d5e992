import unicodedata

from django.core.exceptions import ValidationError

CONTROL_CHARACTERS = (
    "Remove the control characters (such as NUL) from this text; they cannot be stored."
)
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def no_control_characters(value: str) -> None:
    """Refuse NUL and other invisible control characters; line breaks and tabs are fine."""
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in str(value)):
        raise ValidationError(CONTROL_CHARACTERS, code="control_characters")
