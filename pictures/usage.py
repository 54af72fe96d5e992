"""Where a library picture is used: each app that shows pictures says where (`register`), so the
library can list a picture's uses and refuse to delete one still in use, without knowing the
apps (they build on it, not it on them)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """One place a picture is shown: what (`where`, e.g. "Lead picture"), of which item
    (`label`), with the desk's address of that item."""

    where: str
    label: str
    url: str

    def __str__(self) -> str:
        return f"{self.where}: {self.label}"


Finder = Callable[[int], Iterable[Use]]
_finders: list[Finder] = []


def register(finder: Finder) -> None:
    """`finder(picture_id)` gives the uses one app makes of a picture (called from the app's
    `AppConfig.ready`)."""
    if finder not in _finders:
        _finders.append(finder)


def uses(picture_id: int) -> list[Use]:
    return [use for finder in _finders for use in finder(picture_id)]


def in_body(picture_id: int) -> str:
    """What a stored body holds where it shows the picture (`articles/richtext.py`): bodies
    that contain it use it."""
    return f'data-picture="{picture_id}"'
