"""Old WordPress addresses answer with a permanent redirect to their new one.

Asked only where the site itself has nothing: a page that would be "not found", and the home
page asked with WordPress's `?p=12` (`?page_id=`, `?cat=`, `?tag=`, `?author=`) forms. So
no address of the new site is ever shadowed, and a found page costs nothing more.
"""

from django.http import HttpResponsePermanentRedirect

from wordpress.models import OldAddress

# WordPress's query forms, tried in this order.
QUERY_FORMS = ("p", "page_id", "cat", "tag", "author")
REDIRECT_SECONDS = 24 * 3600


def normalise(path: str) -> str:
    """How an old address is stored and looked up: lower case, no final slash."""
    return ("/" + path.strip().lstrip("/")).rstrip("/").lower() or "/"


def query_form(name: str, value: str) -> str:
    return f"/?{name}={value.strip().lower()}"


def _redirect(path: str):
    if len(path) > 500 or any(ord(c) < 32 for c in path):
        return None  # no old address is like that (and PostgreSQL refuses NUL in text)
    address = (
        OldAddress.objects.select_related("article__primary_topic", "topic", "author", "page")
        .filter(path=path)
        .first()
    )
    target = address and address.target()
    if not target:
        return None
    response = HttpResponsePermanentRedirect(target)
    # A day, not forever: an article taken down later stops being sent to readers.
    response["Cache-Control"] = f"public, max-age={REDIRECT_SECONDS}"
    return response


class OldAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reading = request.method in ("GET", "HEAD")
        if reading and request.path in ("/", "/index.php") and request.GET:
            for name in QUERY_FORMS:
                value = request.GET.get(name)
                if value and (found := _redirect(query_form(name, value))):
                    return found
        response = self.get_response(request)
        if reading and response.status_code == 404:
            return _redirect(normalise(request.path)) or response
        return response
