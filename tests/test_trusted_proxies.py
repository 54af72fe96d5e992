"""A reader's address is believed from X-Forwarded-For only when one of TRUSTED_PROXIES passed
it on; anyone reaching the app directly is known by the connection's own address, whatever
the headers they write."""

import pytest
from django.test import Client

from newsroom.security.client import client_address
from tests.test_settings import assert_refused

PROXIES = ["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]


def _address(rf, peer, forwarded=None):
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    return client_address(rf.get("/", REMOTE_ADDR=peer, headers=headers))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # one proxy in front
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote the first
        ("10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9", "198.51.100.7"),  # two proxies
        ("10.1.2.3", "10.2.2.2, 10.9.9.9", "10.2.2.2"),  # from inside: the last one known
        ("127.0.0.1", "", "127.0.0.1"),  # the proxy's own request
        ("127.0.0.1", "not-an-address, 198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "10.0.0.5, junk", "127.0.0.1"),  # junk a proxy never writes: stop there
        ("2001:db8::1", "2001:db8::2, 2a00:1450::5", "2a00:1450::5"),
        ("198.51.100.7", "6.6.6.6", "198.51.100.7"),  # reaching the app directly
        ("198.51.100.7", "127.0.0.1", "198.51.100.7"),
    ],
)
def test_forwarded_addresses_are_read_only_from_trusted_proxies(
    rf, settings, peer, forwarded, client
):
    settings.TRUSTED_PROXIES = PROXIES
    assert _address(rf, peer, forwarded) == client


def test_with_no_trusted_proxy_the_connection_address_counts(rf, settings):
    settings.TRUSTED_PROXIES = []
    assert _address(rf, "127.0.0.1", "198.51.100.7") == "127.0.0.1"


def test_a_proxy_on_our_network_that_is_not_trusted_is_named_once_in_the_log(rf, settings, caplog):
    """Behind a proxy left out of TRUSTED_PROXIES every reader is one client: the operator is
    told which address to add, once; a public address writing the header is not worth a line."""
    from newsroom.security import client

    client._warn_untrusted_proxy.cache_clear()
    settings.TRUSTED_PROXIES = []
    for _ in range(3):
        _address(rf, "10.0.0.9", "198.51.100.7")
    _address(rf, "93.184.216.34", "6.6.6.6")
    _address(rf, "10.0.0.10", "")  # no header: nothing to say
    warned = [r.getMessage() for r in caplog.records if "TRUSTED_PROXIES" in r.getMessage()]
    assert len(warned) == 1 and "10.0.0.9" in warned[0], warned
    assert "198.51.100.7" not in warned[0], "the reader's own address is never logged"


def test_an_ipv6_client_is_its_slash_64_to_the_rate_limits():
    from newsroom.security.client import address_hash

    same_line = address_hash("2a00:1450:4001:80b::1"), address_hash("2a00:1450:4001:80b:ffff::9")
    assert same_line[0] == same_line[1], "one subscriber's /64 is one client"
    assert address_hash("2a00:1450:4001:80c::1") != same_line[0]
    assert address_hash("198.51.100.7") != address_hash("198.51.100.8")


@pytest.mark.django_db
def test_a_guesser_at_the_app_port_cannot_escape_the_lock_by_writing_addresses(
    settings, django_user_model
):
    """With Varnish trusted on 127.0.0.1, someone reaching the app port from elsewhere makes up
    a new X-Forwarded-For for every guess: it is their own address that is locked."""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    django_user_model.objects.create_user("edna", password="a-long-password-1", is_staff=True)

    def sign_in(password, forwarded):
        return Client().post(
            "/admin/login/",
            {"username": "edna", "password": password},
            REMOTE_ADDR="198.51.100.7",
            headers={"x-forwarded-for": forwarded},
        )

    for i in range(10):
        assert sign_in("wrong guess", f"192.0.2.{i}").status_code == 200
    assert sign_in("a-long-password-1", "192.0.2.99").status_code == 429


def test_trusted_proxies_must_be_addresses_and_num_proxies_is_refused():
    assert_refused(
        "TRUSTED_PROXIES must be IP addresses or networks",
        TRUSTED_PROXIES="127.0.0.1,varnish.local",
    )
    assert_refused("NUM_PROXIES is no longer read", NUM_PROXIES="1")
    assert_refused("Set TRUSTED_PROXIES to your proxies' addresses", NUM_PROXIES="1")
