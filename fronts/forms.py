"""The desk's forms on a front's page: one form reads every action the page's buttons post, so
plain forms without JavaScript and drag and drop post alike."""

from django import forms

from articles.models import Article, Topic
from fronts.kinds import CHOICES
from fronts.layout import MAX_BLOCKS, MAX_SLOTS, MAX_TITLE

ACTIONS = [
    ("pin", "Pin a story to a slot"),
    ("unpin", "Let a slot fill automatically"),
    ("move", "Move a story to a slot"),
    ("step", "Move a story one slot up or down"),
    ("add_block", "Add a block"),
    ("change_block", "Change a block"),
    ("remove_block", "Remove a block"),
    ("move_block", "Move a block"),
    ("publish", "Publish now"),
    ("schedule", "Schedule"),
    ("discard", "Discard the draft"),
    ("from_live", "Start a draft from what readers see now"),
    ("cancel", "Cancel a scheduled change"),
]
NOT_PUBLISHED = "Only a published story can be pinned; publish it first, or choose another."


def _index(label, limit, **kwargs):
    return forms.IntegerField(
        label=label, min_value=0, max_value=limit, required=False, help_text="", **kwargs
    )


class ArrangeForm(forms.Form):
    action = forms.ChoiceField(choices=ACTIONS, help_text="What to do.")
    block = _index("block", MAX_BLOCKS)
    slot = _index("slot", MAX_SLOTS)
    to_block = _index("to block", MAX_BLOCKS)
    to_slot = _index("to slot", MAX_SLOTS)
    target = forms.CharField(
        required=False, max_length=10, help_text="Where to pin: block and slot, as 2:0."
    )
    by = forms.TypedChoiceField(
        choices=[("-1", "up"), ("1", "down")], coerce=int, required=False, help_text="Direction."
    )
    article = forms.ModelChoiceField(
        Article.objects.none(),
        required=False,
        error_messages={"invalid_choice": NOT_PUBLISHED},
        help_text="The story.",
    )
    kind = forms.ChoiceField(choices=CHOICES, required=False, help_text="The kind of block.")
    topic = forms.ModelChoiceField(
        Topic.objects.all(),
        required=False,
        label="section",
        help_text="The section whose newest stories fill its unpinned slots.",
    )
    title = forms.CharField(
        required=False, max_length=MAX_TITLE, help_text="Shown above the block; optional."
    )
    slots = forms.IntegerField(
        min_value=1, max_value=MAX_SLOTS, required=False, help_text="How many stories it shows."
    )
    at = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text="When readers start seeing this arrangement.",
    )
    arrangement = forms.IntegerField(
        min_value=1, required=False, help_text="The scheduled arrangement to cancel."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = Article.objects.published()  # as of now

    def clean(self):
        data = super().clean()
        target = data.get("target") or ""
        if target:
            block, _, slot = target.partition(":")
            if not (block.isdigit() and slot.isdigit()):
                raise forms.ValidationError("Choose a slot to pin the story to.")
            data["block"], data["slot"] = int(block), int(slot)
        return data
