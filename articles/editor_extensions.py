"""The body editor's own extensions (static/admin-extra/body-editor.js, the picture chooser in
picture-chooser.js) and the markup each may leave in a body, as processors for
django-prose-editor's allowlist: what the editor makes is exactly what the sanitiser keeps.

`SETTING` is `DJANGO_PROSE_EDITOR_EXTENSIONS`; `articles.richtext` turns the extensions on in
`BODY_EXTENSIONS`, with `CHOOSER` as the options of pictures and embeds.
"""

from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.functional import lazy
from django_prose_editor.config import add_allowed_classes, add_tags_and_attributes, process_table


def library_picture(config, shared) -> None:
    """`<figure data-picture data-align><img …><figcaption>caption<small>credit</small>…`"""
    add_tags_and_attributes(
        shared,
        ["figure", "img", "figcaption", "small"],
        {"figure": ["data-picture", "data-align"], "img": ["src", "alt", "width", "height"]},
    )


def embed(config, shared) -> None:
    """`<figure data-embed="URL"><a href="URL">URL</a></figure>`"""
    add_tags_and_attributes(shared, ["figure", "a"], {"figure": ["data-embed"], "a": ["href"]})


def pull_quote(config, shared) -> None:
    """`<blockquote class="pull-quote"><p>Quote</p><cite>Attribution</cite></blockquote>`"""
    add_tags_and_attributes(shared, ["blockquote", "p", "cite"], None)
    add_allowed_classes(shared, {"blockquote": ["pull-quote"]})


def captioned_table(config, shared) -> None:
    """The stock table with a `<caption>`."""
    process_table(config, shared)
    add_tags_and_attributes(shared, ["caption"], None)


def clean_paste(config, shared) -> None:
    """Pasted HTML is reshaped into what the other extensions make: it adds no markup."""


def _admin_url(name: str) -> str:
    # An address the editor can do without (a part of the desk not installed) is "".
    try:
        return reverse(f"admin:{name}")
    except NoReverseMatch:
        return ""


_lazy_admin_url = lazy(_admin_url, str)
_lazy_static = lazy(static, str)

CHOOSER = {
    "chooserUrl": _lazy_admin_url("pictures_image_chooser"),
    "uploadUrl": _lazy_admin_url("pictures_image_chooser_upload"),
    "embedUrl": _lazy_admin_url("embeds_embed_preview"),
    "stylesheet": _lazy_static("admin-extra/body-editor.css"),
}

PROCESSORS = {
    "LibraryPicture": library_picture,
    "Embed": embed,
    "PullQuote": pull_quote,
    "CaptionedTable": captioned_table,
    "CleanPaste": clean_paste,
}

SCRIPTS = [_lazy_static(f"admin-extra/{name}.js") for name in ("body-editor", "picture-chooser")]
SETTING = [{"js": SCRIPTS, "extensions": PROCESSORS}]
