"""The demo newsroom: sections, authors, pages and short articles written for the demo.

Times are hours before the moment of loading, so a fresh demo always has recent news.
"""

TOPICS = [
    # slug, name, description, place in the top bar, colour for generated pictures
    ("world", "World", "International news and diplomacy.", 10, (38, 70, 110)),
    ("politics", "Politics", "Government, parliament and elections.", 20, (110, 40, 40)),
    ("business", "Business", "Companies, the economy and work.", 30, (30, 90, 70)),
    (
        "live-markets",
        "Live Markets",
        "Shares, currencies and commodities as they move.",
        40,
        (20, 60, 45),
    ),
    ("science", "Science", "Research, health and the environment.", 50, (70, 50, 110)),
    ("culture", "Culture", "Books, film, music and the arts.", 60, (120, 75, 20)),
    ("weather", "Weather", "Forecasts and warnings.", 70, (40, 100, 140)),
]

SUBTOPICS = [
    ("europe", "Europe", "News from across Europe.", "world"),
]

AUTHORS = [
    ("amara-okafor", "Amara Okafor", "Diplomatic correspondent, covering Europe and NATO."),
    ("tomas-lindqvist", "Tomas Lindqvist", "Economics editor."),
    ("priya-raman", "Priya Raman", "Science and health reporter."),
    ("daniel-hart", "Daniel Hart", "Political reporter at Westminster and beyond."),
    ("lucia-ferrer", "Lucia Ferrer", "Arts writer and critic."),
    ("met-desk", "The Weather Desk", "Forecasts from the newsroom's meteorologists."),
]

PAGES = [
    (
        "/about/",
        "About us",
        "<p>The Newsroom is an independent news site. We publish what we can verify, say "
        "where our information comes from, and correct our mistakes in the open.</p>",
    ),
    (
        "/privacy/",
        "Privacy",
        "<p>We do not use trackers, advertising scripts or third-party fonts. When you reply "
        "to an article we keep your name, your e-mail address (never published) and a hashed "
        "form of your network address, only as long as we need them to moderate replies.</p>"
        "<h2>What we count</h2>"
        "<p>To know which stories are read, our own pages count views, with no help from "
        "anyone else. In about one view in ten, your browser tells our server which story you "
        "opened and the name of the site you came from (only its name, such as "
        "news.example.com, not the page). We store how many views each story had in each "
        "hour, and from which sites. That is all: no cookie, no identifier, no network "
        "address, no browser details, nothing that could tell you from another reader. We use "
        "the counts for our newsroom's figures and for the Most read list under each "
        "story and on the home page.</p>"
        "<p>If your browser sends Global Privacy Control or Do Not Track, it sends us nothing "
        "at all. Search engines and other robots are not counted.</p>"
        "<h2>Newsletters</h2>"
        "<p>When you sign up for a newsletter we keep your e-mail address, the lists you chose, "
        "and when you signed up and confirmed (or left). We send nothing until you confirm your "
        "address with the link we e-mail you. Our e-mail carries no tracking pixel and no "
        "rewritten links: we do not know whether you open it or what you click. Every e-mail "
        "has a link to leave every list at once, and one to change your lists. Ask us and we "
        "erase your address and the record of what we sent you; only a few of our staff may "
        "export the list of addresses, and each export is logged.</p>",
    ),
    (
        "/corrections/",
        "Corrections policy",
        "<p>When we get something wrong we correct it, say so at the foot of the article "
        "with the date, and never quietly rewrite the record.</p>",
    ),
]

SEED = {
    "slug": "european-discussions-ukraines-postwar-security",
    "topic": "world",
    "topics": ["europe", "politics"],
    "authors": ["amara-okafor"],
    "standfirst": "Senior U.S. negotiators join European allies to define the guarantees Ukraine "
    "would need before accepting a cease-fire.",
    "hours_ago": 3,
    "featured": 1,
    "caption": "Delegations arrive for the talks on security guarantees.",
    # Chosen by the desk as related, in order; the list is filled from topics and words.
    "related": ["energy-ministers-meet-in-brussels", "aid-convoy-reaches-border-town"],
}

# slug, section, authors, hours ago, headline, standfirst, paragraphs, featured order or None
ARTICLES = [
    (
        "heavy-rain-warning-issued-for-the-weekend",
        "weather",
        ["met-desk"],
        5,
        "Heavy rain warning issued for the weekend",
        "Up to 60 mm of rain could fall on high ground, with flooding possible in low valleys.",
        [
            "Forecasters have issued a yellow warning for heavy rain from Saturday morning "
            "until late on Sunday, as a slow-moving band of cloud crosses the country.",
            "Between 30 and 40 mm is expected widely, and as much as 60 mm on high ground. "
            "Rivers that are already high after a wet autumn may spill onto nearby roads.",
            "Drivers are advised to allow extra time and not to drive through flood water.",
        ],
        2,
    ),
    (
        "first-frost-of-the-season-expected-inland",
        "weather",
        ["met-desk"],
        30,
        "First frost of the season expected inland",
        "Clear skies on Tuesday night will let temperatures fall below freezing inland.",
        [
            "After a mild start to the month, clear skies will allow temperatures to drop "
            "to minus two degrees in sheltered inland spots on Tuesday night.",
            "Gardeners are advised to bring tender plants indoors.",
        ],
        None,
    ),
    (
        "shares-climb-as-inflation-eases",
        "live-markets",
        ["tomas-lindqvist"],
        2,
        "Shares climb as inflation eases for a third month",
        "The main index rose 1.2 per cent in early trading after consumer prices slowed again.",
        [
            "Shares rose in early trading after figures showed consumer price inflation "
            "slowing for the third month in a row, to 2.4 per cent.",
            "Banks and house-builders led the gains as traders bet that interest rates will "
            "be cut before the summer.",
            "The currency slipped slightly against the dollar.",
        ],
        3,
    ),
    (
        "oil-prices-steady-after-supply-talks",
        "live-markets",
        ["tomas-lindqvist"],
        20,
        "Oil prices steady after supply talks",
        "Producers agreed to keep output unchanged until the spring.",
        [
            "The price of crude oil held steady on Thursday after the largest producers "
            "agreed to keep output at its current level until the spring.",
            "Analysts said the decision had been widely expected.",
        ],
        None,
    ),
    (
        "small-businesses-report-hiring-slowdown",
        "business",
        ["tomas-lindqvist"],
        26,
        "Small businesses report a slowdown in hiring",
        "A survey of 2,000 firms finds fewer plan to add staff in the new year.",
        [
            "Fewer small firms plan to take on staff in the new year, according to a survey "
            "of 2,000 businesses published on Wednesday.",
            "Owners cited higher costs and weaker orders, though most said they expected "
            "conditions to improve by the summer.",
        ],
        None,
    ),
    (
        "rail-operator-announces-new-timetable",
        "business",
        ["tomas-lindqvist"],
        50,
        "Rail operator announces a new timetable",
        "More trains at peak times, fewer late at night.",
        [
            "The country's largest rail operator will run more trains at peak times from "
            "next month, and fewer late in the evening.",
            "Passenger groups welcomed the extra morning services but said the cuts at "
            "night would hit shift workers.",
        ],
        None,
    ),
    (
        "parliament-debates-housing-bill",
        "politics",
        ["daniel-hart"],
        8,
        "Parliament debates the housing bill",
        "Ministers say the bill will speed up building; critics say it weakens local say.",
        [
            "Members of parliament began debating the government's housing bill on Monday, "
            "which would shorten planning appeals and set targets for each region.",
            "Opposition members said the bill took decisions away from local councils.",
            "A vote is expected next week.",
        ],
        None,
    ),
    (
        "local-elections-turnout-rises",
        "politics",
        ["daniel-hart"],
        60,
        "Turnout rises in local elections",
        "More than four in ten voters took part, the highest share in a decade.",
        [
            "Turnout in last week's local elections reached 43 per cent, the highest in ten "
            "years, according to the final count.",
            "Election officials credited longer opening hours at polling stations.",
        ],
        None,
    ),
    (
        "researchers-map-ocean-floor-near-coast",
        "science",
        ["priya-raman"],
        12,
        "Researchers map the ocean floor off the coast",
        "A two-year survey reveals canyons and reefs that were missing from the charts.",
        [
            "A team of marine scientists has completed the most detailed map yet of the sea "
            "floor off the west coast, after two years of surveys.",
            "The map shows underwater canyons and cold-water reefs that were missing from "
            "the charts used by fishing fleets.",
        ],
        4,
    ),
    (
        "new-study-on-sleep-and-memory",
        "science",
        ["priya-raman"],
        40,
        "Short naps help memory, study finds",
        "Volunteers who napped for 20 minutes recalled more words than those who did not.",
        [
            "A short nap in the afternoon may help people remember what they learned in the "
            "morning, according to a study of 300 volunteers.",
            "The researchers cautioned that longer naps did not help as much.",
        ],
        None,
    ),
    (
        "city-library-reopens-after-renovation",
        "culture",
        ["lucia-ferrer"],
        16,
        "City library reopens after renovation",
        "The restored reading room is open again after three years.",
        [
            "The central library reopened on Saturday after a three-year renovation that "
            "restored its domed reading room.",
            "Hundreds of readers queued before the doors opened.",
        ],
        None,
    ),
    (
        "film-festival-announces-programme",
        "culture",
        ["lucia-ferrer"],
        70,
        "Film festival announces its programme",
        "Forty films from twenty countries, with a focus on first features.",
        [
            "The winter film festival will show forty films from twenty countries, its "
            "organisers said on Tuesday, with a strand devoted to first features.",
        ],
        None,
    ),
    (
        "energy-ministers-meet-in-brussels",
        "europe",
        ["amara-okafor"],
        28,
        "Energy ministers meet in Brussels",
        "Talks focus on shared gas storage before the winter.",
        [
            "Energy ministers from across Europe met in Brussels on Thursday to agree how "
            "gas storage should be shared if the winter is cold.",
            "Officials said an agreement was close.",
        ],
        None,
    ),
    (
        "aid-convoy-reaches-border-town",
        "world",
        ["amara-okafor", "daniel-hart"],
        36,
        "Aid convoy reaches border town",
        "Forty lorries carried food, medicine and generators.",
        [
            "A convoy of forty lorries carrying food, medicine and generators reached the "
            "border town on Friday after a two-day journey.",
            "Aid workers said the generators were needed most, as temperatures fall.",
        ],
        None,
    ),
]

BANNER = "Talks on Ukraine’s postwar security under way in Europe"

# On the seed article: (key, answers key, name, body, status, hours ago, rules, reason, words)
REPLIES = [
    (
        "olena",
        None,
        "Olena K.",
        "Guarantees only matter if they are written down and ratified. "
        "Otherwise they are promises, and we have had those before.",
        "approved",
        2.5,
        "",
        "",
        "",
    ),
    (
        "marek",
        "olena",
        "Marek",
        "Agreed. But who enforces them if a cease-fire breaks?",
        "approved",
        2.2,
        "",
        "",
        "",
    ),
    (
        "olena2",
        "marek",
        "Olena K.",
        "A coalition with its own forces on the ground, ideally.",
        "approved",
        2.0,
        "",
        "",
        "",
    ),
    (
        "sam",
        None,
        "Sam Whitfield",
        "Good to see the U.S. and Europe at one table for once.",
        "approved",
        1.5,
        "",
        "",
        "",
    ),
    (
        "held",
        None,
        "J. Doe",
        "This whole thing is a fraud, read the real story at "
        "https://example.com and https://example.net",
        "pending",
        0.5,
        " links watched_word ",
        "2 links (replies with 2 or more wait).\nWatched words: fraud.",
        "fraud",
    ),
    (
        "first",
        None,
        "Ana",
        "Thank you for a clear summary.",
        "pending",
        0.2,
        " first_reply premoderation ",
        "The first reply from this e-mail address.",
        "",
    ),
]
