from django import template

register = template.Library()


@register.inclusion_tag("articles/_picture.html")
def picture(image, spec="full", sizes="100vw", eager=False):
    """A responsive <picture>: WebP with a JPEG fallback, explicit size, lazy unless `eager`.

    `spec` is "full" (the whole picture) or "card" (a 3:2 crop around the focal point).
    Until renditions exist (a picture saved outside the app), the original is used.
    """
    jpeg = image.rendition(spec, "JPEG")
    webp = image.rendition(spec, "WEBP")
    width, height, src = image.rendition_or_original(spec, "JPEG")[-1]
    return {
        "image": image,
        "src": src,
        "width": width,
        "height": height,
        "jpeg_srcset": ", ".join(f"{url} {w}w" for w, _, url in jpeg),
        "webp_srcset": ", ".join(f"{url} {w}w" for w, _, url in webp),
        "sizes": sizes,
        "eager": eager,
    }
