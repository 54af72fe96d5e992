"""The demo's story with everything a body can hold besides words: two library pictures (one
across the page), a pull quote, a table, and three embeds (a video, a chart, a post). The embeds
are written as the worker leaves them once a provider has answered, with generated preview
pictures, so the demo never asks a provider anything."""

from django.core.files.base import ContentFile
from django.utils.html import escape

from embeds.models import Embed
from pictures.models import Image

SLUG = "storm-crosses-the-coast-hour-by-hour"
TOPIC = "weather"
AUTHORS = ["met-desk", "priya-raman"]
HOURS_AGO = 5
HEADLINE = "How the storm crossed the coast, hour by hour"
STANDFIRST = (
    "Rain, wind and a tide at its highest: what the radar, the gauges and the people on the "
    "sea front saw as the storm came ashore overnight."
)
CAPTION = "The sea front at first light, after the storm had passed."

PICTURES = [
    # key, alt text, caption, credit, colour
    (
        "harbour",
        "Waves breaking over the harbour wall under a dark sky",
        "Waves over the harbour wall at 2 a.m., the tide at its highest.",
        "The Weather Desk",
        (40, 100, 140),
    ),
    (
        "radar",
        "A radar map with a band of heavy rain crossing the coast",
        "The band of heaviest rain, as the radar showed it at midnight.",
        "Met radar",
        (70, 50, 110),
    ),
]

EMBEDS = [
    {
        "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "provider": "YouTube",
        "title": "Storm surge at the harbour wall, filmed from the lifeboat station",
        "author_name": "Coastal Lifeboats",
        "frame_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "width": 640,
        "height": 360,
        "colour": (120, 40, 40),
    },
    {
        "url": "https://datawrapper.dwcdn.net/dEmO1/1/",
        "provider": "Datawrapper",
        "title": "Rainfall in the 24 hours to 6 a.m., by station",
        "author_name": "The Weather Desk",
        "frame_url": "https://datawrapper.dwcdn.net/dEmO1/1/",
        "width": 600,
        "height": 400,
        "colour": (30, 90, 70),
    },
    {
        "url": "https://bsky.app/profile/coastguard.example/post/3kdemo",
        "provider": "Bluesky",
        "title": "Coastguard: stay away from the sea front until the tide turns",
        "author_name": "Coastguard",
        "html": (
            '<blockquote class="bluesky-embed"><p>Stay away from the sea front until the tide '
            "turns at 4 a.m. Waves are breaking over the promenade.</p>&mdash; Coastguard "
            '<a href="https://bsky.app/profile/coastguard.example/post/3kdemo">12:40 a.m.</a>'
            "</blockquote>"
        ),
    },
]

TABLE = (
    "<table><caption>Rain in the 24 hours to 6 a.m.</caption><tbody>"
    "<tr><th>Station</th><th>Rain (mm)</th><th>Strongest gust (mph)</th></tr>"
    "<tr><th>Harbour</th><td>48</td><td>71</td></tr>"
    "<tr><th>Airport</th><td>39</td><td>64</td></tr>"
    "<tr><th>Hill farm</th><td>62</td><td>58</td></tr>"
    "</tbody></table>"
)

PARAGRAPHS = [
    "The first band of rain reached the coast a little before ten in the evening, an hour "
    "earlier than forecast, and the wind rose with it.",
    "By midnight the radar showed the heaviest rain in a narrow band from the harbour to the "
    "hills, moving north-east at about thirty miles an hour.",
    "At two in the morning the tide reached its highest point of the month. Waves broke over "
    "the harbour wall and spray reached the houses on the front.",
    "The gauges tell the rest of the story: the hill farm had the most rain, the harbour the "
    "strongest gusts.",
    "The wind eased after four, when the tide turned, and by first light the storm had moved "
    "out to sea, leaving the front strewn with weed and shingle.",
]


def _figure(image: Image, align: str) -> str:
    width, height, src = image.for_editors
    return (
        f'<figure data-picture="{image.pk}" data-align="{align}"><img src="{src}" '
        f'alt="{escape(image.alt_text)}" width="{width}" height="{height}"><figcaption>'
        f"{escape(image.caption)}<small>{escape(image.credit)}</small></figcaption></figure>"
    )


def _embed(url: str) -> str:
    return f'<figure data-embed="{url}"><a href="{url}">{url}</a></figure>'


def body(picture_for) -> str:
    """The story's body; `picture_for(key, colour, size)` makes a generated picture's bytes."""
    pictures = {}
    for key, alt, caption, credit, colour in PICTURES:
        image = Image(alt_text=alt, caption=caption, credit=credit)
        name = f"{SLUG}-{key}.jpg"
        image.file.save(name, ContentFile(picture_for(f"{SLUG}-{key}", colour), name=name))
        pictures[key] = image
    for fields in EMBEDS:
        fields = dict(fields)
        colour = fields.pop("colour", None)
        embed = Embed(status=Embed.Status.READY, provider_name=fields["provider"], **fields)
        if colour:
            preview = Image(alt_text=fields["title"], credit=fields["author_name"])
            name = f"{SLUG}-{fields['provider'].lower()}.jpg"
            preview.file.save(name, ContentFile(picture_for(name, colour), name=name))
            embed.thumbnail = preview
        embed.save()
    p = [f"<p>{escape(text)}</p>" for text in PARAGRAPHS]
    return "".join(
        [
            p[0],
            _embed(EMBEDS[2]["url"]),
            p[1],
            _figure(pictures["radar"], "text"),
            p[2],
            _figure(pictures["harbour"], "wide"),
            _embed(EMBEDS[0]["url"]),
            '<blockquote class="pull-quote"><p>The spray was hitting the upstairs windows. '
            "I have lived here forty years and never seen that.</p><cite>A resident of the "
            "sea front</cite></blockquote>",
            p[3],
            TABLE,
            _embed(EMBEDS[1]["url"]),
            p[4],
        ]
    )
