"""What is kept of where readers came from: a public site's host; an address, localhost or an
intranet name is dropped (the view still counts); and no more than MAX_HOSTS hosts per story
per hour, the rest folded into one row, so made-up hosts cannot fill the figures."""

import pytest

from figures import fold, referrers
from figures.models import HourlyReferrer, HourlyViews
from tests.factories import make_article
from tests.figures_helpers import beacon, bodiless

pytestmark = pytest.mark.django_db


def _hosts(article) -> dict[str, int]:
    fold.fold()
    return dict(HourlyReferrer.objects.filter(article=article).values_list("host", "views"))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000",
        "10.0.0.5",
        "192.168.1.20",
        "172.16.4.4:8080",
        "[::1]:8000",
        "[fd00::1]",
        "localhost",
        "localhost:8000",
        "app.localhost",
        "intranet",
        "0x7f000001",
    ],
)
@pytest.mark.parametrize("send", [beacon, bodiless], ids=["json", "bodiless"])
def test_an_address_or_a_local_name_is_dropped_and_the_view_counted(client, settings, send, host):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    assert send(client, article.pk, host=host).status_code == 204
    assert _hosts(article) == {"": 1}
    assert HourlyViews.objects.get(article=article).views == 1


@pytest.mark.parametrize("host", ["news.example.com", "www.example.co.uk:8443", "t.co"])
def test_a_public_site_is_kept(client, settings, host):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    bodiless(client, article.pk, host=host)
    assert _hosts(article) == {host: 1}


def test_past_the_limit_a_storys_hosts_in_an_hour_are_folded_into_one_row(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article, other_story = make_article(), make_article()
    for _ in range(3):
        bodiless(client, article.pk, host="search.example.org")
    for n in range(referrers.MAX_HOSTS + 20):
        bodiless(client, article.pk, host=f"made-up-{n}.example")
    bodiless(client, article.pk)  # no site named: not a host the limit counts
    bodiless(client, other_story.pk, host="made-up-1.example")
    hosts = _hosts(article)
    named = set(hosts) - {"", referrers.OTHER}
    assert len(named) == referrers.MAX_HOSTS
    assert hosts["search.example.org"] == 3, "the most read hosts are kept first"
    assert hosts[referrers.OTHER] == 21 and hosts[""] == 1
    assert sum(hosts.values()) == HourlyViews.objects.get(article=article).views == 3 + 120 + 1
    assert _hosts(other_story) == {"made-up-1.example": 1}, "each story has its own hosts"


def test_the_limit_holds_across_folds_of_the_same_hour(client, settings):
    settings.FIGURES_SAMPLE_RATE = 1
    article = make_article()
    for n in range(referrers.MAX_HOSTS):
        bodiless(client, article.pk, host=f"early-{n}.example")
    fold.fold()
    bodiless(client, article.pk, host="late.example")
    bodiless(client, article.pk, host="early-7.example")
    hosts = _hosts(article)
    assert "late.example" not in hosts and hosts[referrers.OTHER] == 1
    assert hosts["early-7.example"] == 2, "a host already kept goes on counting"
