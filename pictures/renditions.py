"""Pictures: checks on uploads (judged by content, not name), and the renditions readers get.

Small named steps: `validate_image_file`, `normalise` (upright, metadata stripped),
`focal_crop`, `make_renditions`, `delete_renditions`.
"""

import hashlib
import io
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage
from PIL import ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

NOT_AN_IMAGE = "This file is not a picture we can use: upload a JPEG, PNG, WebP or GIF file."
TOO_LARGE = "This file is %(size)s; pictures may be at most %(limit)s."
TOO_MANY_PIXELS = (
    "This picture is %(width)s × %(height)s pixels, more than the %(limit)s million allowed."
)

BOMB = "This picture has far too many pixels to be processed safely."


def validate_image_file(file) -> None:
    """Refuse files that are too big, are not really JPEG/PNG/WebP/GIF, or are truncated. A
    file already stored was checked when it was uploaded: saving its picture's words or focal
    point does not read it again."""
    if getattr(file, "_committed", False):
        return
    if file.size > settings.IMAGE_MAX_UPLOAD_BYTES:
        raise ValidationError(
            TOO_LARGE,
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.IMAGE_MAX_UPLOAD_BYTES),
            },
            code="too_large",
        )
    file.seek(0)
    try:
        with PILImage.open(file) as picture:
            width, height = picture.size
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    TOO_MANY_PIXELS,
                    params={
                        "width": width,
                        "height": height,
                        "limit": settings.IMAGE_MAX_PIXELS // 1_000_000,
                    },
                    code="too_many_pixels",
                )
            if picture.format not in ALLOWED_FORMATS:
                raise ValidationError(NOT_AN_IMAGE, code="format")
            picture.load()  # decodes every pixel: catches truncated and corrupt files
    except ValidationError:
        raise
    except PILImage.DecompressionBombError as exc:
        raise ValidationError(BOMB, code="too_many_pixels") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(NOT_AN_IMAGE, code="invalid") from exc
    finally:
        file.seek(0)


class PictureField(forms.ImageField):
    """The upload field: our checks run first, so every refusal says plainly what is wrong."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image_file(data)
        return super().to_python(data)


# Renditions: what readers download. Originals are never shown on the site.


@dataclass(frozen=True)
class Spec:
    """One kind of rendition: its shape (a crop of `ratio` around the focal point, or the whole
    picture), the widths made (never wider than the picture, except an `exact` size) and the
    formats. Pages name a spec; the index in `Image.renditions` holds what was made."""

    name: str
    ratio: tuple[int, int] | None
    widths: tuple[int, ...]
    formats: tuple[str, ...] = ("WEBP", "JPEG")
    exact: bool = False  # one size, exactly `widths[0]` by the ratio (the social crop)


SPECS = (
    Spec("full", None, (320, 640, 960, 1280, 1600)),  # the article's lead picture
    Spec("card", (3, 2), (320, 480, 640, 960)),  # teasers
    Spec("social", (1200, 630), (1200,), ("JPEG",), exact=True),  # og:image, feeds' enclosures
)
QUALITY = {"WEBP": 78, "JPEG": 80}
EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg"}
SPEC_VERSION = "2"  # bump when the sizes or encoders change, to make every rendition anew


def normalise(data: bytes) -> tuple[bytes, int, int, str]:
    """The upload turned upright (EXIF orientation) and stripped of EXIF, GPS and other
    metadata; returns the bytes to store, their width, height and format."""
    with PILImage.open(io.BytesIO(data)) as picture:
        fmt = picture.format
        if fmt == "GIF" and getattr(picture, "is_animated", False):
            return data, picture.width, picture.height, fmt  # frames kept; GIFs carry no EXIF
        upright = ImageOps.exif_transpose(picture)
        upright.info.pop("exif", None)
        buffer = io.BytesIO()
        options = {"JPEG": {"quality": 92}, "WEBP": {"quality": 92}}.get(fmt, {})
        upright.save(buffer, fmt, **options)
        return buffer.getvalue(), upright.width, upright.height, fmt


def focal_crop(picture, ratio: tuple[int, int], focal: tuple[float, float]):
    """The largest crop of `ratio` that keeps the focal point (fractions of width and height)
    as close to its centre as the picture's edges allow."""
    width, height = picture.size
    target = ratio[0] / ratio[1]
    if width / height > target:
        crop_w, crop_h = round(height * target), height
    else:
        crop_w, crop_h = width, round(width / target)
    left = min(max(round(focal[0] * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal[1] * height - crop_h / 2), 0), height - crop_h)
    return picture.crop((left, top, left + crop_w, top + crop_h))


def _encode(picture, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    picture.save(
        buffer,
        fmt,
        quality=QUALITY[fmt],
        optimize=True,
        **({"progressive": True} if fmt == "JPEG" else {"method": 4}),
    )
    return buffer.getvalue()


def _resized(picture, width: int):
    if width >= picture.width:
        return picture
    return picture.resize(
        (width, round(picture.height * width / picture.width)),
        PILImage.Resampling.LANCZOS,
        reducing_gap=3.0,
    )


def rendition_key(image) -> str:
    source = f"{image.file.name}|{image.focal_x:.4f}|{image.focal_y:.4f}|{SPEC_VERSION}"
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def make_renditions(image, storage=None) -> dict:
    """Every size readers need, stored through Django's storage API; returns the index that
    `Image.renditions` keeps, so pages need no query, and feeds no storage call, to find them:
    `{"key": …, spec: {format: [[width, height, name, bytes], …]}, "social": [w, h, name, bytes]}`.
    """
    storage = storage or default_storage
    key = rendition_key(image)
    folder = f"renditions/{image.pk}/{key}"
    image.file.open("rb")
    try:
        with PILImage.open(image.file) as opened:
            opened.seek(0)
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    finally:
        image.file.close()
    focal = (image.focal_x, image.focal_y)

    def store(variant, fmt, spec):
        name = f"{folder}/{spec}-{variant.width}x{variant.height}.{EXTENSIONS[fmt]}"
        if storage.exists(name):  # made before, for the same file, focal point and sizes
            size = storage.size(name)
        else:
            data = _encode(variant, fmt)
            storage.save(name, ContentFile(data))
            size = len(data)
        return [variant.width, variant.height, name, size]

    index = {"key": key}
    for spec in SPECS:
        source = focal_crop(picture, spec.ratio, focal) if spec.ratio else picture
        if spec.exact:  # one size: [width, height, name, bytes] in the first format
            size = (spec.widths[0], round(spec.widths[0] * spec.ratio[1] / spec.ratio[0]))
            exact = source.resize(size, PILImage.Resampling.LANCZOS)
            index[spec.name] = store(exact, spec.formats[0], spec.name)
            continue
        top = min(source.width, spec.widths[-1])
        widths = sorted({w for w in spec.widths if w < source.width} | {top})
        rows = {fmt: [] for fmt in spec.formats}
        for width in widths:
            variant = _resized(source, width)  # resized once, encoded once per format
            for fmt, kept in rows.items():
                kept.append(store(variant, fmt, spec.name))
        index[spec.name] = rows
    return index


def rendition_names(renditions: dict) -> list[str]:
    names = []
    for spec in SPECS:
        made = renditions.get(spec.name)
        if spec.exact and made:
            names.append(made[2])
        elif made:
            names += [row[2] for rows in made.values() for row in rows]
    return names


def delete_renditions(renditions: dict, *, keep=(), storage=None) -> None:
    storage = storage or default_storage
    for name in set(rendition_names(renditions or {})) - set(keep):
        storage.delete(name)


def delete_files(image) -> None:
    """Remove a deleted picture's original and every rendition from storage."""
    delete_renditions(image.renditions)
    if image.file:
        image.file.storage.delete(image.file.name)
