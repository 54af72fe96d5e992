"""The demo's live pages: one running, one ended, each with its updates."""

# Live pages: slug, section, authors, started (hours ago), ended (hours ago, or None while the
# coverage runs), headline, standfirst, summary paragraphs, and updates, oldest first:
# (minutes ago, headline, text, key point).
LIVE = [
    (
        "markets-live-shares-slip-ahead-of-the-rates-decision",
        "live-markets",
        ["tomas-lindqvist"],
        5,
        None,
        "Markets live: shares slip ahead of the rates decision",
        "Follow the day on the markets as traders wait for the central bank.",
        [
            "Stock markets edged lower through the morning as investors waited for the central "
            "bank's decision on interest rates, due this afternoon.",
        ],
        [
            (
                290,
                "Markets open lower",
                "The main index opened 0.4% lower, led by banks and housebuilders.",
                False,
            ),
            (
                240,
                "",
                "The currency is flat against the dollar and slightly weaker against the euro.",
                False,
            ),
            (
                180,
                "Oil climbs",
                "Brent crude rose above $84 a barrel after a supply outage at a North Sea field.",
                True,
            ),
            (
                95,
                "",
                "Trading volumes are thin, dealers say: few want to take positions before "
                "the announcement.",
                False,
            ),
            (
                40,
                "Bond yields fall",
                "Two-year yields fell to their lowest in a month, a sign traders expect a cut.",
                True,
            ),
            (
                12,
                "",
                "Housebuilders recovered some of the morning's losses in the last hour.",
                False,
            ),
        ],
    ),
    (
        "storm-live-gales-and-flooding-across-the-west",
        "weather",
        ["met-desk"],
        52,
        30,
        "Storm live: gales and flooding across the west",
        "How the storm unfolded, hour by hour.",
        [
            "Gusts of up to 80 mph and heavy rain brought flooding and power cuts to western "
            "counties. The storm has now moved away to the north-east.",
        ],
        [
            (
                3100,
                "Red warning issued",
                "A red wind warning is in force for coastal areas from 6 pm.",
                True,
            ),
            (2900, "", "Ferries have been cancelled for the rest of the day.", False),
            (2500, "Power cuts", "About 20,000 homes are without power.", False),
            (
                1900,
                "Storm moves away",
                "Winds are easing as the storm moves north-east. The warning has been lifted.",
                True,
            ),
        ],
    ),
]
