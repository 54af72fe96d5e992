"""What other apps add to the article admin, as the article page takes their parts
(`articles/page.py`): a column in the list, a link among the change form's tools. Other apps
call these from their `AppConfig.ready()`; articles never imports them.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.views.main import ChangeList


@dataclass(frozen=True)
class ListColumn:
    """A column of the article list. `annotate(queryset, request)` adds what the column shows
    to the list's own query (so the list stays one query however long), `value(article)` reads
    it for a row."""

    name: str  # the attribute the column is known by in list_display
    title: str
    annotate: Callable
    value: Callable
    permission: str  # who sees the column


@dataclass(frozen=True)
class DeskLink:
    """A link among the change form's tools: `url(article)`, shown to holders of `permission`
    when `url` gives an address for this article (None: not for this one)."""

    label: str
    url: Callable
    permission: str


_columns: list[ListColumn] = []
_links: list[DeskLink] = []


def add_list_column(column: ListColumn) -> None:
    if column not in _columns:
        _columns.append(column)


def add_desk_link(link: DeskLink) -> None:
    if link not in _links:
        _links.append(link)


def columns(request) -> list[ListColumn]:
    return [c for c in _columns if request.user.has_perm(c.permission)]


def links(request, article) -> list[dict]:
    shown = [link for link in _links if request.user.has_perm(link.permission)]
    return [{"label": link.label, "url": url} for link in shown if (url := link.url(article))]


@functools.cache
def column_display(column: ListColumn):
    """The callable list_display takes for `column`: the same one each time, since the admin
    finds a sortable column by comparing list_display with sortable_by (another call of
    `get_list_display`) item by item."""

    def display(article):
        return column.value(article)

    display.short_description = column.title
    display.admin_order_field = column.name
    display.__name__ = column.name
    return display


class ExtendedChangeList(ChangeList):
    """The article list, its query carrying the other apps' columns."""

    def get_queryset(self, request, exclude_parameters=None):
        # Before the list's own filters and ordering, so that a column can be sorted on.
        if not getattr(self, "columns_added", False):
            for column in columns(request):
                self.root_queryset = column.annotate(self.root_queryset, request)
            self.columns_added = True
        return super().get_queryset(request, exclude_parameters)
