"""The desk's autocomplete boxes list the best matches first, as editors expect of a search
box: the name typed exactly, then names that start with it, then names with a word that starts
with it, then names that have it anywhere, then what matched elsewhere (a story's body, a
section's description). "The name" is the first of the admin's `search_fields` (a story's
headline, a topic's name, a page's title); each group keeps the admin's own order (newest
first, or by name), with empty values last.

Only the boxes: the admin's lists keep the order of their columns."""

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Case, F, IntegerField, Q, Value, When


def closeness(field: str, term: str) -> Case:
    """How well `field` matches `term`, from 0 (exactly) to 4 (not in that field at all)."""
    return Case(
        When(Q(**{f"{field}__iexact": term}), then=Value(0)),
        When(Q(**{f"{field}__istartswith": term}), then=Value(1)),
        When(Q(**{f"{field}__icontains": f" {term}"}), then=Value(2)),
        When(Q(**{f"{field}__icontains": term}), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


def _empty_last(order):
    """An ordering's named fields with empty values last, on every database alike."""
    for field in order:
        if isinstance(field, str) and field.lstrip("-").isidentifier():
            name = field.lstrip("-")
            yield F(name).desc(nulls_last=True) if field[0] == "-" else F(name).asc(nulls_last=True)
        else:
            yield field


class BestMatchesFirst(AutocompleteJsonView):
    """Django's autocomplete answers, ordered by `closeness` of the admin's first search field."""

    def get_queryset(self):
        queryset = super().get_queryset()
        term = self.term.strip()
        fields = self.model_admin.get_search_fields(self.request)
        if not term or not fields:
            return queryset
        name = fields[0].lstrip("^=@")
        then = queryset.query.order_by or self.model_admin.model._meta.ordering
        return queryset.annotate(closeness=closeness(name, term)).order_by(
            "closeness", *_empty_last(then)
        )
