"""The editors' forms: the article's change form (status changes follow the workflow, and a
save made after someone else's is refused with the text kept) and its bylines."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from articles import workflow
from articles.models import Article

STALE = (
    "{who} saved this article at {when}, after you opened it. Your changes are not saved: "
    "they are still in the form below. Open the article in a new tab to see the other "
    "changes, copy what you need, then reload."
)


class ArticleForm(forms.ModelForm):
    """The change form; `user` is set by the admin so status changes follow the workflow."""

    loaded_version = forms.CharField(required=False, widget=forms.HiddenInput)
    user = None

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        self._check_not_stale()
        old = self.instance.status if self.instance.pk else Article.Status.DRAFT
        new = cleaned_data.get("status", old)
        if new != old:
            step = workflow.find(old, new)
            if step is None:
                raise ValidationError(
                    "An article cannot go from “%(old)s” to “%(new)s”.",
                    params={
                        "old": Article.Status(old).label,
                        "new": Article.Status(new).label,
                    },
                )
            if reason := workflow.refusal(self.instance, step, user=self.user, content=False):
                raise ValidationError(reason)
        if new == Article.Status.PUBLISHED and not cleaned_data.get("publish_at"):
            cleaned_data["publish_at"] = timezone.now()
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


class BylineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        article = self.instance
        if article.status != Article.Status.PUBLISHED:
            return
        authors = sum(
            1
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        )
        if problems := workflow.publish_problems(article, author_count=authors):
            raise ValidationError(
                "To publish this article, %(problems)s.", params={"problems": ", ".join(problems)}
            )
