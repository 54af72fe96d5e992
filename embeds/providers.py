"""The embed providers: one table of who may be embedded, and how.

Each provider names the addresses it serves (regular expressions over scheme, host and path),
its oEmbed endpoint, its kind ("frame": we keep only its iframe, from its own hosts; "script":
its post is a blockquote that its own script turns into a widget, and we add that script
ourselves), the hosts a reader's browser must reach once the reader asks (for the page's
Content-Security-Policy), and the words on the facade's button. The EMBED_PROVIDERS setting
adds providers (dicts with the same keys) before these.

`{origin}` in an endpoint or a host stands for the embedded address's own scheme and host
(Mastodon: any instance answers for its own posts).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import slugify

FRAME, SCRIPT = "frame", "script"


@dataclass(frozen=True)
class Provider:
    name: str
    patterns: tuple[str, ...]
    endpoint: str
    kind: str
    hosts: tuple[str, ...]  # origins of its frames (frame-src)
    label: str  # the facade's button
    script: str = ""  # a script provider's script (its origin goes to script-src)
    # Frames from these hosts are loaded from another one instead (YouTube's cookie-less host).
    frame_host: tuple[tuple[str, str], ...] = ()
    # The setting holding the access token the endpoint needs, if any.
    token_setting: str = ""
    # The player's address made from the embedded one (`{url}`), for a provider whose markup
    # may hold no iframe (Mastodon since 4.3 answers with a blockquote and its script).
    frame_template: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.name)

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        where = f"{parts.scheme}://{parts.netloc}{parts.path}"
        return any(re.fullmatch(pattern, where, re.IGNORECASE) for pattern in self.patterns)

    def origins(self, url: str) -> list[str]:
        """The frame origins for the embed of `url`, `{origin}` filled in."""
        return [host.replace("{origin}", origin_of(url)) for host in self.hosts]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


_YOUTUBE_NOCOOKIE = "www.youtube-nocookie.com"

PROVIDERS = (
    Provider(
        "YouTube",
        (
            r"https://(www\.|m\.)?youtube\.com/(watch|shorts/[\w-]+|live/[\w-]+)",
            r"https://youtu\.be/[\w-]+",
        ),
        "https://www.youtube.com/oembed",
        FRAME,
        (f"https://{_YOUTUBE_NOCOOKIE}",),
        "Play on YouTube",
        frame_host=(
            ("www.youtube.com", _YOUTUBE_NOCOOKIE),
            ("youtube.com", _YOUTUBE_NOCOOKIE),
            (_YOUTUBE_NOCOOKIE, _YOUTUBE_NOCOOKIE),
        ),
    ),
    Provider(
        "Vimeo",
        (r"https://(www\.)?vimeo\.com/\d+(/\w+)?", r"https://player\.vimeo\.com/video/\d+"),
        "https://vimeo.com/api/oembed.json",
        FRAME,
        ("https://player.vimeo.com",),
        "Play on Vimeo",
    ),
    Provider(
        "X",
        (r"https://(www\.|mobile\.)?(twitter|x)\.com/\w+/status/\d+",),
        "https://publish.twitter.com/oembed",
        SCRIPT,
        ("https://platform.twitter.com", "https://syndication.twitter.com"),
        "Show the post from X",
        script="https://platform.twitter.com/widgets.js",
    ),
    # Meta's endpoint answers only with an app's access token (EMBED_INSTAGRAM_ACCESS_TOKEN);
    # without one, Instagram posts stay links.
    Provider(
        "Instagram",
        (r"https://(www\.)?instagram\.com/(p|reel|tv)/[\w-]+/?",),
        "https://graph.facebook.com/v21.0/instagram_oembed",
        SCRIPT,
        ("https://www.instagram.com",),
        "Show the post from Instagram",
        script="https://www.instagram.com/embed.js",
        token_setting="EMBED_INSTAGRAM_ACCESS_TOKEN",  # noqa: S106 - the setting's name
    ),
    Provider(
        "TikTok",
        (r"https://(www\.)?tiktok\.com/@[\w.-]+/video/\d+",),
        "https://www.tiktok.com/oembed",
        SCRIPT,
        ("https://www.tiktok.com",),
        "Show the video from TikTok",
        script="https://www.tiktok.com/embed.js",
    ),
    Provider(
        "Bluesky",
        (r"https://bsky\.app/profile/[\w.:-]+/post/\w+",),
        "https://embed.bsky.app/oembed",
        SCRIPT,
        ("https://embed.bsky.app",),
        "Show the post from Bluesky",
        script="https://embed.bsky.app/static/embed.js",
    ),
    Provider(
        "SoundCloud",
        (r"https://(www\.|m\.)?soundcloud\.com/[\w-]+/[\w-]+(/[\w-]+)?",),
        "https://soundcloud.com/oembed",
        FRAME,
        ("https://w.soundcloud.com",),
        "Play on SoundCloud",
    ),
    Provider(
        "Spotify",
        (r"https://open\.spotify\.com/(\w+-\w+/)?(track|album|playlist|episode|show)/\w+",),
        "https://open.spotify.com/oembed",
        FRAME,
        ("https://open.spotify.com",),
        "Play on Spotify",
    ),
    Provider(
        "Flourish",
        (r"https://public\.flourish\.studio/(visualisation|story)/\d+/?",),
        "https://app.flourish.studio/api/v1/oembed",
        FRAME,
        ("https://flo.uri.sh",),
        "Show the chart from Flourish",
    ),
    Provider(
        "Datawrapper",
        (r"https://datawrapper\.dwcdn\.net/\w+(/\d+)?/?",),
        "https://api.datawrapper.de/v3/oembed",
        FRAME,
        ("https://datawrapper.dwcdn.net",),
        "Show the chart from Datawrapper",
    ),
    # Any Mastodon instance: its posts' addresses have this shape, and it answers for them.
    Provider(
        "Mastodon",
        (r"https://[\w.-]+/@\w+(@[\w.-]+)?/\d+",),
        "{origin}/api/oembed",
        FRAME,
        ("{origin}",),
        "Show the post from Mastodon",
        frame_template="{url}/embed",
    ),
)

KEYS = {
    "name",
    "patterns",
    "endpoint",
    "kind",
    "hosts",
    "label",
    "script",
    "token_setting",
    "frame_template",
}


def _from_setting(entry: dict) -> Provider:
    wrong = set(entry) - KEYS - {"frame_host"}
    missing = {"name", "patterns", "endpoint", "kind", "hosts", "label"} - set(entry)
    if wrong or missing or entry["kind"] not in (FRAME, SCRIPT):
        raise ImproperlyConfigured(
            "Each EMBED_PROVIDERS entry needs name, patterns, endpoint, kind (frame or script), "
            f"hosts and label (the other keys optional); got {sorted(entry)}."
        )
    return Provider(
        **entry
        | {
            "patterns": tuple(entry["patterns"]),
            "hosts": tuple(entry["hosts"]),
            "frame_host": tuple((k, v) for k, v in dict(entry.get("frame_host", {})).items()),
        }
    )


def providers() -> list[Provider]:
    """The operator's providers (EMBED_PROVIDERS) first, then the table's."""
    return [*(_from_setting(entry) for entry in settings.EMBED_PROVIDERS), *PROVIDERS]


def match(url: str) -> Provider | None:
    """The provider serving `url`, or None: such an address stays a link."""
    return next((provider for provider in providers() if provider.matches(url)), None)


def by_name(name: str) -> Provider | None:
    return next((provider for provider in providers() if provider.name == name), None)


def trusted_hosts() -> set[str]:
    """Hosts the operator named in EMBED_PROVIDERS: reached even on a private network."""
    return {
        urlsplit(host).hostname or ""
        for entry in settings.EMBED_PROVIDERS
        for host in (entry.get("endpoint", ""), *entry.get("hosts", ()))
    } - {""}
