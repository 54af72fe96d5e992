"""Error pages are in the site's design and say what to do next."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_server_error_page_is_the_sites_own(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/"' in page


def test_not_found_page_offers_the_way_back(client, db):
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We can’t find that page" in page
    assert 'href="/latest/"' in page
