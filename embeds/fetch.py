"""Asking a provider about an embedded address, once, in the background.

`embed_for(url)` (an editor pastes a link) and `remember(urls)` (a body is saved) create the
row and queue `fetch_embed`, which asks the provider's oEmbed endpoint with a strict time and
size limit, keeps the title, author and cleaned markup, and copies the preview picture into the
picture library, so readers never load anything from the provider until they ask. A refusal
(4xx, bad JSON, an answer too large) marks the embed failed; a provider that is down or slow is
asked again later (`newsroom.tasks.retry_later`). Readers see a link meanwhile; nothing raises.
"""

import io
import ipaddress
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from http.client import HTTPException
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from PIL import Image as PILImage

from embeds import cleaning, events
from embeds.models import Embed, normalise_url
from embeds.providers import SCRIPT, Provider, by_name, match, origin_of, trusted_hosts
from newsroom.tasks import retry_later
from pictures.models import Image

logger = logging.getLogger(__name__)

NO_PROVIDER = "No provider we know serves this address: readers get a link."
NO_TOKEN = "This provider needs an access token (%s) that is not set."  # noqa: S105 - words


class Refused(Exception):
    """The provider said no, or said something we cannot use: asking again will not help."""


class Unreachable(Exception):
    """The provider is down, slow or unreachable for now: worth asking again later."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is answered as it is: an oEmbed endpoint has no reason to move


_opener = urllib.request.build_opener(_NoRedirects)


def _check_public(host: str) -> None:
    """Refuse a host on this machine or a private network, unless the operator named it in
    EMBED_PROVIDERS: a pasted address must not make the server call its own neighbours."""
    if host in trusted_hosts():
        return
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(f"{host} could not be found ({error})") from error
    for *_, address in found:
        if not ipaddress.ip_address(address[0].split("%")[0]).is_global:
            raise Refused(f"{host} is on a private network")


def read(url: str, *, limit: int) -> bytes:
    """The body at `url` (http or https only), at most `limit` bytes, all of it within
    EMBED_TIMEOUT_SECONDS; raises Refused or Unreachable."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) address: {url[:100]}")
    _check_public(parts.hostname)
    timeout = settings.EMBED_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url, headers={"User-Agent": f"{settings.SITE_NAME} (embeds)", "Accept": "*/*"}
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise Refused(f"the answer is {declared} bytes, more than {limit}")
            body = b""
            # read1: what has arrived, so a provider sending a byte at a time meets the deadline.
            while chunk := response.read1(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise Refused(f"the answer is more than {limit} bytes")
                if time.monotonic() > deadline:
                    raise Unreachable(f"no complete answer within {timeout} s")
            return body
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise Unreachable(f"HTTP {error.code}") from error
        raise Refused(f"HTTP {error.code}") from error
    except (Refused, Unreachable):
        raise
    except TimeoutError as error:
        raise Unreachable(f"no answer within {timeout} s") from error
    except urllib.error.URLError as error:
        raise Unreachable(f"unreachable: {error.reason}") from error
    except (OSError, HTTPException) as error:
        raise Unreachable(f"connection failed: {error!r}") from error


def endpoint(provider: Provider, url: str) -> str:
    """The provider's oEmbed address asking about `url`."""
    query = {"url": url, "format": "json", "maxwidth": 1280}
    if provider.token_setting:
        token = getattr(settings, provider.token_setting, "")
        if not token:
            raise Refused(NO_TOKEN % provider.token_setting)
        query["access_token"] = token
    base = provider.endpoint.replace("{origin}", origin_of(url))
    return f"{base}{'&' if '?' in base else '?'}{urlencode(query)}"


def ask(provider: Provider, url: str) -> dict:
    """The provider's oEmbed answer about `url`; raises Refused or Unreachable."""
    body = read(endpoint(provider, url), limit=settings.EMBED_MAX_BYTES)
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Refused("the answer is not JSON") from error
    if not isinstance(answer, dict):
        raise Refused("the answer is not an oEmbed object")
    return answer


def _text(answer: dict, key: str, length: int) -> str:
    value = answer.get(key)
    return " ".join(value.split())[:length] if isinstance(value, str) else ""


def _size(answer: dict, key: str) -> int | None:
    value = answer.get(key)
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= 10_000 else None


def _store(embed: Embed, provider: Provider, answer: dict) -> None:
    """The answer's words, size and markup on `embed`; raises Refused if the markup is unusable."""
    embed.title = _text(answer, "title", 300)
    embed.author_name = _text(answer, "author_name", 200)
    embed.provider_name = _text(answer, "provider_name", 100) or provider.name
    embed.width, embed.height = _size(answer, "width"), _size(answer, "height")
    html = answer.get("html") if isinstance(answer.get("html"), str) else ""
    if provider.kind == SCRIPT:
        embed.frame_url = ""
        embed.html = cleaning.post_markup(html)
        if not embed.html:
            raise Refused("the answer has no post to show")
    else:
        embed.frame_url = cleaning.frame_url(html, provider=provider, url=embed.url)
        if not embed.frame_url:
            raise Refused("the answer has no player from the provider's own hosts")
        embed.html = cleaning.frame_markup(
            embed.frame_url, title=embed.title, width=embed.width, height=embed.height
        )


def _thumbnail(embed: Embed, answer: dict) -> Image | None:
    """The provider's preview picture as a new picture in the library, checked as any upload
    is; None if there is none or it cannot be used (logged: the embed works without it)."""
    address = answer.get("thumbnail_url")
    if not isinstance(address, str) or not address:
        return None
    try:
        data = read(address, limit=settings.IMAGE_MAX_UPLOAD_BYTES)
        with PILImage.open(io.BytesIO(data)) as picture:
            extension = (picture.format or "jpg").lower()
        title = embed.title or f"Preview from {embed.provider_name}"
        image = Image(
            alt_text=title[:250],
            credit=(embed.author_name or embed.provider_name)[:120],
            file=ContentFile(data, name=f"embed-{embed.pk}.{extension}"),
        )
        image.full_clean()
        image.save()
    except (
        Refused,
        Unreachable,
        OSError,
        PILImage.DecompressionBombError,
        ValidationError,
    ) as error:
        logger.warning("no preview picture for embed %s (%s): %s", embed.pk, embed.url, error)
        return None
    return image


def fetch(embed: Embed, *, attempt: int = 1) -> Embed:
    """Ask the provider about `embed` and keep what it said; on failure the embed is marked
    failed, or stays pending with another attempt queued. Never raises."""
    provider = by_name(embed.provider) or match(embed.url)
    embed.attempts += 1
    what = f"embed {embed.pk} ({embed.url})"
    try:
        if provider is None:
            raise Refused(NO_PROVIDER)
        answer = ask(provider, embed.url)
        _store(embed, provider, answer)
        embed.thumbnail = _thumbnail(embed, answer) or embed.thumbnail
    except Unreachable as error:
        embed.error = str(error)
        again = retry_later(fetch_embed, attempt, embed.pk, what=what, error=error)
        embed.status = Embed.Status.PENDING if again else Embed.Status.FAILED
    except Refused as error:
        logger.warning("%s refused: %s", what, error)
        embed.error, embed.status = str(error), Embed.Status.FAILED
    except Exception as error:  # a bug here must not keep trying, nor fail a save
        logger.exception("%s failed", what)
        embed.error, embed.status = f"unexpected error: {error!r}", Embed.Status.FAILED
    else:
        embed.error, embed.status, embed.fetched_at = "", Embed.Status.READY, timezone.now()
        logger.info("%s ready: %s", what, embed.title)
    embed.save()
    if embed.status != Embed.Status.PENDING:
        events.embed_fetched.send(sender=Embed, embed=embed)
    return embed


@task()
def fetch_embed(embed_pk: int, attempt: int = 1) -> str:
    """A worker asks the provider about one embed (`fetch`); returns its status."""
    embed = Embed.objects.filter(pk=embed_pk).first()
    if embed is None:
        return "gone"  # deleted meanwhile
    return fetch(embed, attempt=attempt).status


def embed_for(url: str) -> Embed:
    """The embed of `url`, created (and its provider asked, in the background) if new.
    Raises ValidationError if `url` is not an http(s) address."""
    url = normalise_url(url)
    provider = match(url)
    if provider is None:
        defaults = {"provider": "", "status": Embed.Status.FAILED, "error": NO_PROVIDER}
    else:
        defaults = {"provider": provider.name, "status": Embed.Status.PENDING}
    with transaction.atomic():
        embed, created = Embed.objects.get_or_create(url=url, defaults=defaults)
        if created and provider is not None:
            fetch_embed.enqueue(embed.pk)
    return embed


def remember(urls: Iterable[str]) -> list[Embed]:
    """The embeds of a saved body's addresses, new ones queued; addresses that are not
    http(s) are left out."""
    embeds = []
    for url in dict.fromkeys(urls):
        try:
            embeds.append(embed_for(url))
        except ValidationError:
            logger.info("not an embeddable address: %.100s", url)
    return embeds


def fetch_again(embeds: Iterable[Embed]) -> int:
    """Queue the providers to be asked again (the admin's action); returns how many."""
    count = 0
    for embed in embeds:
        with transaction.atomic():
            Embed.objects.filter(pk=embed.pk).update(status=Embed.Status.PENDING, error="")
            fetch_embed.enqueue(embed.pk)
        count += 1
    return count
