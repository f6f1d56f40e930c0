from django.conf import settings
from django.urls import reverse

SWITCH = reverse("language_switch")


def test_switching_to_chinese_is_remembered_on_the_user(client_for, salesperson):
    client = client_for(salesperson)

    response = client.post(SWITCH, {"language": "zh-hans", "next": reverse("home")})

    assert response.status_code == 302
    assert response.url == reverse("home")
    salesperson.refresh_from_db()
    assert salesperson.language == "zh-hans"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in page


def test_the_user_language_wins_over_the_browser(client_for, salesperson):
    salesperson.language = "zh-hans"
    salesperson.save()

    response = client_for(salesperson).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="zh-hans">' in response.content.decode()


def test_an_unknown_language_changes_nothing(client_for, salesperson):
    response = client_for(salesperson).post(SWITCH, {"language": "xx", "next": "/"})

    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_never_redirects_off_site(client_for, salesperson):
    response = client_for(salesperson).post(
        SWITCH, {"language": "en", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_anonymous_visitors_can_switch_on_the_login_page(client):
    response = client.post(SWITCH, {"language": "zh-hans", "next": reverse("login")})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_switching_refuses_get(client_for, salesperson):
    response = client_for(salesperson).get(SWITCH)

    assert response.status_code == 405
