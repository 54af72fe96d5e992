"""What is kept of where readers came from: a public site's host name, and no more than
MAX_HOSTS of them per story per hour.

A beacon's referring host is the reader's say-so, so it is kept only when it names a public
site: an address (127.0.0.1, 10.0.0.5, [::1]), `localhost` or a name of one label (an
intranet's machine) says nothing to the desk and may name a reader's own network; the view
is counted, without its host. And one client cannot fill the figures with made-up hosts:
past MAX_HOSTS hosts for a story in an hour, the rest are folded into one row, OTHER.
"""

import re
from collections import Counter, defaultdict
from datetime import datetime

MAX_HOSTS = 100
# Never a host name (it has a space), so no referrer can be mistaken for it.
OTHER = "other sites"
_IPV6_LITERAL = re.compile(r"\[[0-9a-f:.]+\](?::\d{1,5})?")


def public_host(host: str) -> str:
    """`host` (lower case, a host name as beacon.HOST reads one, or an IPv6 literal) when it
    names a public site; else "" (no site named)."""
    name = host.rpartition(":")[0] if ":" in host else host
    last = name.rpartition(".")[2]
    if "." not in name or name.endswith(".localhost") or last.isdigit():
        return ""  # localhost, an intranet name, an IPv4 address (or a number passed off as one)
    return host


def is_ip_literal(host: str) -> bool:
    """Whether `host` is an IPv6 address in brackets, as a URL writes one (`[::1]:8000`)."""
    return _IPV6_LITERAL.fullmatch(host) is not None


def cap(
    counted: Counter, kept: dict[tuple[int, datetime], set[str]], *, limit: int = MAX_HOSTS
) -> Counter:
    """{(article id, hour, host): views} with at most `limit` hosts per story and hour, counting
    those already `kept` for it; the rest, the fewest views first to go, are added to OTHER."""
    named = defaultdict(set, {key: hosts - {"", OTHER} for key, hosts in kept.items()})
    capped = Counter()
    for (article_id, hour, host), views in sorted(counted.items(), key=lambda c: (-c[1], c[0])):
        held = named[article_id, hour]
        if host and host != OTHER and host not in held:
            if len(held) < limit:
                held.add(host)
            else:
                host = OTHER
        capped[article_id, hour, host] += views
    return capped
