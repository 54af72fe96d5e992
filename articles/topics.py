"""Topics made at the desk from a name alone, as WordPress makes tags: the article form's
"Create topic". A name already in use, whatever its case, gives that topic back instead of a
twin; a new topic is a tag (no parent section, not in the top bar) with a slug of its own."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.models import RESERVED_SLUGS, Topic

NAME_MAX_LENGTH = Topic._meta.get_field("name").max_length
SLUG_MAX_LENGTH = Topic._meta.get_field("slug").max_length

NAME_MISSING = "Type the new topic's name first."
NAME_TOO_LONG = "A topic's name can have at most %(limit)d characters; this one has %(length)d."


def clean_name(raw: str) -> str:
    """The name as it will be stored: spaces trimmed and runs of them made one. Raises
    `ValidationError` with a message for the editor when nothing is left or it is too long."""
    name = " ".join(raw.split())
    if not name:
        raise ValidationError(NAME_MISSING, code="required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            NAME_TOO_LONG, code="max_length", params={"limit": NAME_MAX_LENGTH, "length": len(name)}
        )
    return name


def _free_slug(name: str) -> str:
    base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "topic"
    if base in RESERVED_SLUGS:
        base = f"{base}-topic"
    slug, number = base, 1
    while Topic.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


def _find_or_make(name: str) -> tuple[Topic, bool]:
    existing = Topic.objects.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing, False
    topic = Topic(name=name, slug=_free_slug(name))
    topic.full_clean()
    with transaction.atomic():
        topic.save()
    return topic, True


def find_or_create(*, name: str) -> tuple[Topic, bool]:
    """The topic called `name` (compared without case), or a new one; and whether it is new.
    Raises `ValidationError` for a name `clean_name` refuses."""
    name = clean_name(name)
    try:
        return _find_or_make(name)
    except IntegrityError:  # another editor took the slug between our look and our write
        return _find_or_make(name)
