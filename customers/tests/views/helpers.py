"""Small helpers shared by the customer view tests (not a test module itself)."""

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from customers import identity


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def messages_of(response) -> list[str]:
    """The flash messages the request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def html(response) -> str:
    return response.content.decode()


def shown(text) -> str:
    """`text` as the template writes it (escaped), e.g. a person's name with an apostrophe."""
    return str(escape(str(text)))


def queries_for(client, url) -> int:
    """How many queries one GET of `url` runs (the page must render)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def credit_code(first17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return first17 + identity.credit_code_check_char(first17)
