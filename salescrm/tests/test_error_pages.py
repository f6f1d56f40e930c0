"""The site's own error pages."""

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from salescrm.testing.http import html


def test_a_missing_page_gets_the_sites_404_page(client_for, salesperson):
    response = client_for(salesperson).get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Page not found" in html(response)
    assert reverse("home") in html(response)


def test_the_500_page_renders_without_any_context():
    page = render_to_string("500.html")

    assert "Something went wrong" in page
    assert "/static/css/salescrm.css" in page


def test_the_500_page_is_the_sites_own_in_the_readers_language():
    with translation.override("zh-hans"):
        response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert 'lang="zh-hans"' in response.content.decode()
    assert "Something went wrong" not in response.content.decode()
