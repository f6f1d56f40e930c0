"""Checks on the responses of Django's test client."""

import re
from html.parser import HTMLParser

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape


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
    """How many queries one GET of `url` runs (the page must render; a streamed response is
    read to its end, as the browser would, its queries counted too)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries)


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TextOf(HTMLParser):
    """The text inside the element marked data-testid=`testid` (the first one)."""

    def __init__(self, testid):
        super().__init__()
        self.testid, self.depth, self.done, self.text = testid, 0, False, []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS or self.done:
            return
        if self.depth:
            self.depth += 1
        elif ("data-testid", self.testid) in attrs:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID_TAGS:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def text_of(response, testid) -> str | None:
    """The text of the part of the page marked data-testid=`testid`; None if absent."""
    parser = _TextOf(testid)
    parser.feed(response.content.decode())
    if not parser.text and not parser.done:
        return None
    return " ".join(" ".join(parser.text).split())


# What a strict Content-Security-Policy refuses to run or apply in a page.
INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "style block": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def inline_code(text: str) -> list[str]:
    return [f"{what}: {m.group(0)!r}" for what, rx in INLINE.items() for m in rx.finditer(text)]
