"""Topics: sections, their subsections, and tags."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from newsroom.rendering import links

# Paths the site uses at its top level; a topic may not take one as its slug.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "authors",
        "latest",
        "pages",
        "search",
        "feed",
        "feeds",
        "static",
        "media",
        "preview",
        "replies",
        "archive",
        "accounts",
        "api",
        "healthz",
        "topics",
        "articles",
    }
)


def validate_topic_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            "“%(slug)s” is used by another part of the site; choose another slug.",
            params={"slug": value},
            code="reserved",
        )


class Topic(models.Model):
    """A section ("Weather") or subsection of the site. The top bar links to topics of the
    editors' choosing (`chrome.models.TopBarLink`); a topic itself does not say."""

    name = models.CharField("name", max_length=80, help_text="Shown in the top bar and on pages.")
    slug = models.SlugField(
        "slug",
        max_length=80,
        unique=True,
        validators=[validate_topic_slug],
        help_text="The topic's web address: /slug/. Changing it changes its links.",
    )
    description = models.TextField(
        "description",
        max_length=500,
        blank=True,
        help_text="One or two sentences shown at the top of the topic page.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="parent section",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a section; choose a section to make this a subsection.",
    )
    # Read with the section of every story (`select_related`): "More in <section>" under a
    # story needs no query of its own to know which stories to show.
    newest_ids = models.JSONField(
        "newest stories",
        default=list,
        blank=True,
        editable=False,
        help_text="The ids of the newest stories filed here, published or scheduled, newest "
        "first: kept by the site for “More in …” under each story.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="topic_not_its_own_parent"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return links.url("articles:topic", self.slug)
