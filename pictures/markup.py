"""The markup of library pictures: the responsive <picture> readers get, the desk's thumbnail."""

from django.utils.html import format_html
from django.utils.safestring import SafeString


def picture(image, spec="full", sizes="100vw", eager=False, alt=None) -> SafeString:
    """A responsive <picture>: WebP with a JPEG fallback, explicit size, lazy unless `eager`;
    the library's alt text unless this use gives its own `alt`.

    `spec` is "full" (the whole picture) or "card" (a 3:2 crop around the focal point).
    Until renditions exist (a picture saved outside the app), the original is used.
    """
    jpeg = image.rendition(spec, "JPEG")
    webp = image.rendition(spec, "WEBP")
    width, height, src = (jpeg or image.rendition_or_original(spec, "JPEG"))[-1]
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', _srcset(webp), sizes)
        if webp
        else ""
    )
    srcset = format_html(' srcset="{}" sizes="{}"', _srcset(jpeg), sizes) if jpeg else ""
    loading = ' fetchpriority="high"' if eager else ' loading="lazy"'
    return format_html(
        '<picture>{}<img src="{}"{} alt="{}" width="{}" height="{}"{} decoding="async"></picture>',
        source,
        src,
        srcset,
        image.alt_text if alt is None else alt,
        width,
        height,
        SafeString(loading),
    )


def _srcset(rows) -> str:
    return ", ".join(f"{url} {w}w" for w, _, url in rows)


def thumbnail(image, *, alt: str = "") -> str:
    """A library picture as a small picture for the desk, from its smallest rendition."""
    if not image or not image.file:
        return "—"
    width, height, url = image.rendition_or_original("card")[0]
    return format_html(
        '<img src="{}" alt="{}" width="96" height="{}">', url, alt, round(96 * height / width)
    )
