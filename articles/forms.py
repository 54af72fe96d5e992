"""The editors' forms: the article's change form (opened on the unpublished changes when there
are some; a save made after someone else's is refused with the text kept) and its bylines."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles import changes, richtext, workflow
from articles.models import MAX_CHOSEN, Article, Author

STALE = (
    "{who} saved this article at {when}, after you opened it. Your changes are not saved: "
    "they are still in the form below. Open the article in a new tab to see the other "
    "changes, copy what you need, then reload."
)

# The buttons that ask for what is on screen to go live: it must then be ready.
PUBLISHING = frozenset({"publish", "publish_changes"})


def publishing(data) -> bool:
    """Whether the submitted form asks to publish (the button pressed)."""
    return data.get("_transition") in PUBLISHING


class ArticleForm(forms.ModelForm):
    """The change form; `user` is set by the admin."""

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    user = None

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()
            if self.instance.changes_id:
                self.initial |= _as_initial(changes.of_revision(self.instance.changes))

    def clean_body(self):
        return richtext.refuse_outside_pictures(self.cleaned_data.get("body"))

    def clean(self):
        cleaned_data = super().clean()
        self._check_not_stale()
        if publishing(self.data):
            # Said beside the fields concerned; the bylines' own rows say theirs.
            if not cleaned_data.get("primary_topic") and "primary_topic" in self.fields:
                self.add_error("primary_topic", f"To publish, {workflow.NEEDS_SECTION}.")
            if not (cleaned_data.get("body") or "").strip() and "body" in self.fields:
                self.add_error("body", f"To publish, {workflow.NEEDS_BODY}.")
            if not cleaned_data.get("publish_at"):
                cleaned_data["publish_at"] = self.instance.publish_at or timezone.now()
        return cleaned_data

    def _check_not_stale(self):
        loaded = self.cleaned_data.get("loaded_version")
        if not self.instance.pk or not loaded:
            return
        current = (
            Article.objects.filter(pk=self.instance.pk)
            .values("updated_at", "updated_by__username")
            .first()
        )
        if current and current["updated_at"].isoformat() != loaded:
            raise ValidationError(
                STALE.format(
                    who=current["updated_by__username"] or "Someone",
                    when=timezone.localtime(current["updated_at"]).strftime("%H:%M on %d %B"),
                ),
                code="stale",
            )


def _as_initial(content: changes.Content) -> dict:
    """Staged content as the form's initial values (bylines are the formset's)."""
    initial = {
        k: v for k, v in content.items() if k in changes.FIELDS and k not in ("authors", "related")
    }
    for name in changes.TIMES:
        if isinstance(initial.get(name), str):
            initial[name] = parse_datetime(initial[name])
    return initial


class StagedRowsFormSet(BaseInlineFormSet):
    """Rows under the form that are part of an article's content. On a live article they are
    never saved from here: they are part of the changes kept over it, and shown from them (as
    new rows, with no ids)."""

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        extra = None if index is None else index - self.initial_form_count()
        if self.initial_extra and extra is not None and 0 <= extra < len(self.initial_extra):
            # A staged byline shown again is kept even when it is not touched.
            kwargs["empty_permitted"] = False
        return kwargs

    def in_order(self, name: str) -> list:
        """The rows' `name`, in their order, each once (call after validation)."""
        rows = sorted(
            (form.cleaned_data.get("order") or 0, n, form.cleaned_data[name])
            for n, form in enumerate(self.forms)
            if form.cleaned_data.get(name) and not form.cleaned_data.get("DELETE")
        )
        return list(dict.fromkeys(value for _, _, value in rows))


class BylineFormSet(StagedRowsFormSet):
    """The bylines under the form, in order."""

    def authors(self) -> list[Author]:
        """The authors typed, in byline order, each once (call after validation)."""
        return self.in_order("author")

    def clean(self):
        super().clean()
        if publishing(self.data) and not any(self.errors) and not self.authors():
            raise ValidationError(f"To publish this article, {workflow.NEEDS_AUTHOR}.")


TOO_MANY_RELATED = (
    f"Choose at most {MAX_CHOSEN} related stories: remove one before adding another. "
    "The rest of the list is filled from the story's topics and words."
)
RELATED_ITSELF = "“{headline}” cannot be related to itself: choose another story."
RELATED_TWICE = "“{headline}” is chosen twice: keep it once."


class RelatedChoiceFormSet(StagedRowsFormSet):
    """The related stories editors choose under the form, in order: at most `MAX_CHOSEN`,
    never the story itself, each once."""

    def related(self) -> list[Article]:
        """The stories chosen, in order, each once (call after validation)."""
        return self.in_order("related")

    def clean(self):
        chosen = [
            form.cleaned_data["related"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("related")
            and not form.cleaned_data.get("DELETE")
        ]
        if len(chosen) > MAX_CHOSEN:
            raise ValidationError(TOO_MANY_RELATED, code="too_many")
        for story in chosen:
            if self.instance.pk and story.pk == self.instance.pk:
                raise ValidationError(RELATED_ITSELF.format(headline=story.headline), code="itself")
            if chosen.count(story) > 1:
                raise ValidationError(RELATED_TWICE.format(headline=story.headline), code="twice")
        super().clean()
