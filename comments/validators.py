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


LINE_BREAKS = "Keep this on one line: it cannot hold a line break."


def one_line(value: str) -> None:
    """Refuse line breaks in a field that is one line wherever it goes (a name, an address):
    in an e-mail's header a line break would start a header of its own."""
    if any(ch in str(value) for ch in "\r\n\u2028\u2029\x85"):
        raise ValidationError(LINE_BREAKS, code="line_breaks")
