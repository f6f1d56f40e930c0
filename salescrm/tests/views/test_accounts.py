from django.urls import reverse

from salescrm.tests.factories import TEST_PASSWORD


def test_login_page_signs_in_and_lands_on_home(client, salesperson):
    response = client.post(reverse("login"), {"username": "salesperson", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_login_with_a_wrong_password_says_so_and_signs_in_nobody(client, salesperson):
    response = client.post(reverse("login"), {"username": "salesperson", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_inactive_users_cannot_sign_in(client, salesperson):
    salesperson.is_active = False
    salesperson.save()

    client.post(reverse("login"), {"username": "salesperson", "password": TEST_PASSWORD})

    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client_for, salesperson):
    client = client_for(salesperson)

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_keeps_the_user_signed_in(client_for, salesperson):
    client = client_for(salesperson)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )

    assert response.status_code == 302
    salesperson.refresh_from_db()
    assert salesperson.check_password("a-new-long-passphrase")
    assert client.get(reverse("home")).status_code == 200


def test_password_change_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
