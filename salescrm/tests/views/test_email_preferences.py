from django.urls import reverse

from salescrm import notifications

URL = reverse("email_preferences")


def test_a_person_sees_their_email_preferences_with_the_defaults(client_for, salesperson):
    response = client_for(salesperson).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="guidance"' in page
    assert 'name="comment"' in page
    assert response.context["form"]["comment"].initial == "daily"
    assert response.context["form"]["guidance"].initial == "instant"


def test_a_person_turns_a_kind_off(client_for, salesperson):
    data = {kind: "instant" for kind in notifications.MESSAGES} | {"guidance": "off"}
    response = client_for(salesperson).post(URL, data)

    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert notifications.email_mode(salesperson, "guidance") == "off"
    assert notifications.email_mode(salesperson, "comment") == "instant"


def test_an_unknown_choice_changes_nothing(client_for, salesperson):
    data = {kind: "instant" for kind in notifications.MESSAGES} | {"guidance": "hourly"}
    response = client_for(salesperson).post(URL, data)

    assert response.status_code == 200
    salesperson.refresh_from_db()
    assert salesperson.email_preferences == {}


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_wrong_method_is_refused(client_for, salesperson):
    assert client_for(salesperson).put(URL).status_code == 405
