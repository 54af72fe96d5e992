"""Checks on uploaded pictures, judged by their content rather than their name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

NOT_AN_IMAGE = "This file is not a picture we can use: upload a JPEG, PNG, WebP or GIF file."
TOO_LARGE = "This file is %(size)s; pictures may be at most %(limit)s."
TOO_MANY_PIXELS = (
    "This picture is %(width)s × %(height)s pixels, more than the %(limit)s million allowed."
)

BOMB = "This picture has far too many pixels to be processed safely."


def validate_image_file(file) -> None:
    """Refuse files that are too big, are not really JPEG/PNG/WebP/GIF, or are truncated."""
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
