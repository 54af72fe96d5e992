"""What readers get in place of an embed: our own facade, and the page's policy for it.

Nothing reaches the provider until the reader presses the facade's button (static/js/embeds.js):
until then the page shows our copy of the preview picture, the title and a link to the original,
and says where pressing the button will take them. Without JavaScript the facade is that link
and nothing else. An embed not ready (or unknown) is a plain link card, never an error.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString

from embeds.models import Embed, normalise_url
from embeds.providers import FRAME, Provider, by_name, origin_of
from pictures.markup import picture

SIZES = "(min-width: 46rem) 43rem, calc(100vw - 2rem)"  # the text column, as a picture in it


def showable(embed: Embed | None) -> Provider | None:
    """The provider of a ready embed that can be shown, else None (a link card)."""
    if embed is None or embed.status != Embed.Status.READY:
        return None
    provider = by_name(embed.provider)
    if provider is None or not (embed.frame_url if provider.kind == FRAME else embed.html):
        return None
    return provider


def _source(provider: Provider, embed: Embed) -> str:
    """Who readers would be talking to: the provider, or the instance's host (Mastodon)."""
    return embed.host if any("{origin}" in host for host in provider.hosts) else provider.name


def link_card(url: str) -> SafeString:
    """The original address as a card: the address, its host and "Open on <host>"."""
    try:
        address = normalise_url(url)
    except ValidationError:  # not an http(s) address: shown, never linked
        return format_html('<p class="embed embed--link">{}</p>', url)
    host = (urlsplit(address).hostname or "").removeprefix("www.")
    return format_html(
        '<figure class="embed embed--link"><a class="embed-link" href="{}">'
        '<span class="embed-title">{}</span>'
        '<span class="embed-source">Open on {}</span></a></figure>',
        url,
        url,
        host,
    )


def _button(provider: Provider, embed: Embed) -> SafeString:
    if provider.kind == FRAME:
        data = format_html(
            'data-embed-frame="{}" data-embed-title="{}" data-embed-width="{}" '
            'data-embed-height="{}"',
            embed.frame_url,
            embed.title or f"{provider.name} player",
            embed.width or 16,
            embed.height or 9,
        )
    else:
        data = format_html(
            'data-embed-script="{}" data-embed-html="{}"', provider.script, embed.html
        )
    return format_html(
        '<button type="button" class="embed-load" data-embed-load {}>{}</button>',
        data,
        provider.label,
    )


def facade(url: str, embed: Embed | None) -> SafeString:
    """The figure standing for the embed of `url` in an article body: our picture, the title
    and a link to the original, with a button (shown by JavaScript) loading the provider's
    player or post; a link card if the embed is not ready."""
    provider = showable(embed)
    if provider is None:
        return link_card(url)
    source = _source(provider, embed)
    thumbnail = (
        picture(embed.thumbnail, spec="full", sizes=SIZES)
        if embed.thumbnail_id and embed.thumbnail
        else ""
    )
    byline = f"{embed.author_name} on {source}" if embed.author_name else source
    return format_html(
        '<figure class="embed embed--{}"><a class="embed-link" href="{}">{}'
        '<span class="embed-title">{}</span><span class="embed-source">{}</span></a>'
        '<div class="embed-consent" data-embed-consent hidden>{}'
        '<p class="embed-notice">Pressing the button loads content from {}, which may set '
        "cookies and learn that you read this page.</p></div></figure>",
        provider.slug,
        url,
        thumbnail,
        embed.title or url,
        byline,
        _button(provider, embed),
        source,
    )


def policy(embeds: list[Embed]) -> dict[str, list[str]]:
    """The Content-Security-Policy additions a page showing `embeds` needs, and no more:
    the frame hosts of the embeds shown, and the scripts of the post providers among them."""
    wanted: dict[str, set[str]] = {}
    for embed in embeds:
        provider = showable(embed)
        if provider is None:
            continue
        wanted.setdefault("frame-src", set()).update(provider.origins(embed.url))
        if provider.script:
            wanted.setdefault("script-src", set()).add(origin_of(provider.script))
    return {directive: sorted(hosts) for directive, hosts in wanted.items()}
