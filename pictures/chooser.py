"""The body editor's picture chooser: search the library, and upload into it in place.

Two staff-only JSON views, wired by the picture admin (`urls(model_admin)`):
GET `chooser/?q=&page=` answers a page of pictures; POST `chooser/upload/` (one `file` and its
`alt_text`) adds one, checked as the library checks every upload. Used by
static/admin-extra/body-editor.js.
"""

from django import forms
from django.contrib.auth import get_permission_codename
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from pictures.models import Image
from pictures.renditions import PictureField

PER_PAGE = 24

NO_ALT_TEXT = "Say what the picture shows (alt text) for readers who cannot see it."
NO_FILE = "Choose a picture file to upload."
MAY_NOT_UPLOAD = "You may not add pictures to the library."


class UploadForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ["file", "alt_text"]
        field_classes = {"file": PictureField}
        error_messages = {
            "file": {"required": NO_FILE},
            "alt_text": {"required": NO_ALT_TEXT},
        }


def as_choice(image: Image) -> dict:
    """A picture as the chooser shows it and the editor inserts it."""
    width, height, src = image.for_editors
    return {
        "id": image.pk,
        "alt": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "thumbnail": image.rendition_or_original("card")[0][2],
        "src": src,
        "width": width,
        "height": height,
    }


def search(query: str):
    """Pictures whose alt text, caption or credit hold every word of `query`, newest first."""
    pictures = Image.objects.all()
    for word in query.split():
        pictures = pictures.filter(
            Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return pictures


@require_GET
def choose(request):
    page = Paginator(search(request.GET.get("q", "")), PER_PAGE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "results": [as_choice(image) for image in page],
            "page": page.number,
            "pages": page.paginator.num_pages,
        }
    )


def upload_view(model_admin):
    @require_POST
    def upload(request):
        opts = Image._meta
        if not request.user.has_perm(f"{opts.app_label}.{get_permission_codename('add', opts)}"):
            return JsonResponse({"error": MAY_NOT_UPLOAD}, status=403)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages = [m for errors in form.errors.values() for m in errors]
            return JsonResponse({"error": " ".join(messages)}, status=400)
        image = form.save(commit=False)
        image.renditions_in_background = True  # the editor need not wait for the sizes
        image.save()
        model_admin.log_addition(request, image, [{"added": {}}])
        return JsonResponse(as_choice(image), status=201)

    return upload


def urls(model_admin) -> list:
    """The chooser's addresses, under the picture admin's own."""
    wrap = model_admin.admin_site.admin_view
    prefix = f"{Image._meta.app_label}_{Image._meta.model_name}"
    return [
        path("chooser/", wrap(choose), name=f"{prefix}_chooser"),
        path("chooser/upload/", wrap(upload_view(model_admin)), name=f"{prefix}_chooser_upload"),
    ]
