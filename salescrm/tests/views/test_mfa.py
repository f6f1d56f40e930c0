"""Two-factor sign-in (salescrm.accounts.mfa): required for those who approve, run a team or
administer; optional for everyone else; password first, then a code."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from salescrm.models import AuthEvent
from salescrm.testing.http import assert_sent_to_login, html
from salescrm.testing.mfa import code_at
from salescrm.tests.factories import TEST_PASSWORD

Kind = AuthEvent.Kind


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return code_at(device, (int(time.time()) - device.t0) // device.step + device.drift)


def password_login(user, *, url=None) -> Client:
    client = Client()
    response = client.post(
        url or reverse("login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def kinds(user) -> list[str]:
    return list(AuthEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


@pytest.mark.parametrize("persona", ["manager", "director", "admin_user"])
def test_an_approver_without_an_authenticator_can_do_nothing_but_enrol(request, persona):
    user = request.getfixturevalue(persona)
    client = password_login(user)
    setup = reverse("mfa_setup")

    for url in [
        "/",
        "/customers/",
        "/contracts/",
        "/inbox/",
        "/admin/",
        "/accounts/password_change/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{setup}?next={url.replace('/', '%2F')}", url
    response = client.get(setup)
    assert response.status_code == 200
    assert "<svg" in html(response)
    assert "otpauth://" not in re.sub(r"<title>.*?</title>", "", html(response))  # no link out
    # Logging out stays possible.
    assert client.post(reverse("logout")).status_code == 302


@pytest.mark.parametrize("persona", ["salesperson", "front_desk"])
def test_others_sign_in_with_a_password_alone_until_they_enrol(request, persona):
    user = request.getfixturevalue(persona)
    client = password_login(user)

    assert client.get("/").status_code == 200
    assert client.get(reverse("mfa_manage")).status_code == 200


def test_mfa_required_false_turns_the_requirement_off(settings, manager):
    settings.MFA_REQUIRED = False

    assert password_login(manager).get("/").status_code == 200


def test_the_director_enrols_and_sees_the_recovery_codes_once(director):
    client = password_login(director)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=director, confirmed=False)
    setup_page = client.get(reverse("mfa_setup"))
    assert "no-store" in setup_page["Cache-Control"]
    secret_shown = setup_page.context["secret"].replace(" ", "")
    assert TOTPDevice.objects.filter(user=director).count() == 1  # the same one, reloaded

    response = client.post(reverse("mfa_setup"), {"code": code_now(device)})

    assert response.status_code == 302
    assert response.url == reverse("mfa_recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    import base64

    assert base64.b32encode(device.bin_key).decode() == secret_shown
    page = client.get(reverse("mfa_recovery_codes"))
    assert "no-store" in page["Cache-Control"]  # secrets stay out of caches
    codes = page.context["codes"]
    assert len(codes) == 10
    assert all(code in html(page) for code in codes)
    assert StaticToken.objects.filter(device__user=director).count() == 10
    # Shown once only.
    assert client.get(reverse("mfa_recovery_codes")).url == reverse("mfa_manage")
    # The session is verified: the app opens.
    assert client.get("/").status_code == 200
    assert Kind.MFA_ENROLLED in kinds(director)


def test_a_wrong_code_does_not_confirm_the_authenticator(director):
    client = password_login(director)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=director)
    wrong = str((int(code_now(device)) + 1) % 1_000_000).zfill(6)

    response = client.post(reverse("mfa_setup"), {"code": wrong})

    assert response.status_code == 200
    assert "That code is not right" in html(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/").status_code == 302
    assert Kind.MFA_FAILED in kinds(director)


def test_signing_in_is_the_password_then_the_code(manager):
    device = enrolled(manager)
    client = password_login(manager)
    verify = reverse("mfa_verify")

    assert client.get("/customers/").url == f"{verify}?next=%2Fcustomers%2F"
    # Enrolling anew does not get around the code.
    assert client.get(reverse("mfa_setup")).url == verify
    wrong = str((int(code_now(device)) + 1) % 1_000_000).zfill(6)
    refused = client.post(verify, {"code": wrong, "next": "/customers/"})
    assert refused.status_code == 200
    assert "That code is not right" in html(refused)
    assert client.get("/").status_code == 302

    # django-otp slows down guessing: the next try waits a second after a wrong one.
    with time_machine.travel(timezone.now() + timedelta(seconds=2), tick=False):
        response = client.post(verify, {"code": code_now(device), "next": "/customers/"})

    assert response.status_code == 302
    assert response.url == "/customers/"
    assert client.get("/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert kinds(manager) == [Kind.LOGIN, Kind.MFA_FAILED, Kind.MFA_VERIFIED]


def test_a_code_is_accepted_once(manager):
    device = enrolled(manager)
    code = code_now(device)
    first = password_login(manager)
    assert first.post(reverse("mfa_verify"), {"code": code}).status_code == 302

    second = password_login(manager)
    response = second.post(reverse("mfa_verify"), {"code": code})

    assert response.status_code == 200
    assert second.get("/").status_code == 302


def test_a_recovery_code_works_once(manager):
    enrolled(manager)
    from salescrm.accounts import mfa

    codes = mfa.new_recovery_codes(manager)

    first = password_login(manager)
    assert first.post(reverse("mfa_verify"), {"code": codes[3]}).status_code == 302
    assert first.get("/").status_code == 200
    second = password_login(manager)
    again = second.post(reverse("mfa_verify"), {"code": codes[3]})

    assert again.status_code == 200
    assert second.get("/").status_code == 302
    assert StaticToken.objects.filter(device__user=manager).count() == 9
    assert (
        AuthEvent.objects.filter(
            user=manager, kind=Kind.MFA_VERIFIED, detail="recovery code"
        ).count()
        == 1
    )


def test_the_admin_login_asks_for_the_code_too(admin_user):
    device = enrolled(admin_user)
    client = password_login(admin_user, url=reverse("admin:login"))

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_verify"))
    client.post(reverse("mfa_verify"), {"code": code_now(device)})
    assert client.get("/admin/").status_code == 200


def test_a_salesperson_may_enrol_and_then_signs_in_with_a_code(salesperson):
    client = password_login(salesperson)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=salesperson)
    client.post(reverse("mfa_setup"), {"code": code_now(device)})
    assert TOTPDevice.objects.get(user=salesperson).confirmed

    later = password_login(salesperson)

    assert later.get("/").url.startswith(reverse("mfa_verify"))


def test_new_recovery_codes_replace_the_old_ones(client_for, manager):
    from salescrm.accounts import mfa

    client = client_for(manager)
    old = mfa.new_recovery_codes(manager)

    response = client.post(reverse("mfa_manage"))

    assert response.url == reverse("mfa_recovery_codes")
    new = client.get(response.url).context["codes"]
    tokens = set(StaticToken.objects.filter(device__user=manager).values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)


def test_client_for_verifies_the_session_as_the_second_step_does(client_for, manager):
    client = client_for(manager)

    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("name", ["mfa_verify", "mfa_setup", "mfa_manage", "mfa_recovery_codes"])
def test_the_two_factor_pages_send_anonymous_visitors_to_login(client, name):
    assert_sent_to_login(client.get(reverse(name)))


@pytest.mark.parametrize("name", ["mfa_verify", "mfa_setup", "mfa_manage", "mfa_recovery_codes"])
def test_the_two_factor_pages_refuse_other_methods(client_for, manager, name):
    assert client_for(manager).put(reverse(name)).status_code == 405
