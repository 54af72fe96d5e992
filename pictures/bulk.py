"""Several pictures uploaded at once from the library's list: each file is checked as a single
upload is; those that pass join the library, named after their files, and the list then shows
just them with their words editable in place, so the editor writes each one's alt text next."""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from pictures.models import Image
from pictures.renditions import validate_image_file

MOST_FILES = 50


class SeveralFiles(forms.ClearableFileInput):
    allow_multiple_selected = True


class SeveralFilesField(forms.FileField):
    """Several files from one input, each checked as a file (Django's own recipe)."""

    def clean(self, data, initial=None):
        one = super().clean
        return (
            [one(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else [one(data, initial)]
        )


class BulkUploadForm(forms.Form):
    files = SeveralFilesField(
        label="Pictures",
        widget=SeveralFiles(
            attrs={"multiple": True, "accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
        help_text=f"Choose up to {MOST_FILES} JPEG, PNG, WebP or GIF files at once.",
        error_messages={"required": "Choose at least one picture to upload."},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MOST_FILES:
            raise ValidationError(
                f"{len(files)} files were chosen; upload at most {MOST_FILES} at once."
            )
        return files


def alt_from_name(name: str) -> str:
    """A stand-in alt text until the editor writes one: the file's name in words."""
    stem = Path(name).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split())[:250] or "Picture"


def upload_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        messages.error(request, "You may not add pictures.")
        return redirect(reverse("admin:pictures_image_changelist"))
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    refused: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        made = []
        for upload in form.cleaned_data["files"]:
            try:
                validate_image_file(upload)
            except ValidationError as refusal:
                refused.append((upload.name, " ".join(refusal.messages)))
                continue
            image = Image(alt_text=alt_from_name(upload.name))
            image.renditions_in_background = True
            image.file = upload
            with transaction.atomic():
                image.save()
            model_admin.log_addition(request, image, [{"added": {}}])
            made.append(image)
        if made:
            messages.success(
                request,
                f"{len(made)} picture{'s' if len(made) != 1 else ''} added. Write what each one "
                "shows in its alt text below (the file names stand in for now), then save.",
            )
            for name, why in refused:
                messages.error(request, f"Not added: {name}. {why}")
            ids = ",".join(str(image.pk) for image in made)
            return redirect(reverse("admin:pictures_image_changelist") + f"?id__in={ids}")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Upload several pictures",
        "form": form,
        "refused": refused,
    }
    refusal = request.method == "POST"  # nothing added: the form again, saying why
    return TemplateResponse(
        request, "admin/pictures/image/bulk_upload.html", context, status=400 if refusal else 200
    )
