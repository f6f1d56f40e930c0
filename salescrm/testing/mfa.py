"""Two-factor sign-in in tests: codes as an authenticator app makes them, and a test
client's session verified the way the real second step leaves it.

- ``next_code(user)``: the code the user's authenticator shows now (or the next one,
  when the current one was already used: a TOTP code is accepted once);
- ``verify_session(client, user)``: after ``client.force_login(user)``, give the user an
  authenticator if they have none and store it in the session with ``django_otp.login``,
  exactly what ``salescrm.accounts.mfa.verify`` does when a code is accepted.
"""

import time

import django_otp
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code_at(device: TOTPDevice, t: int) -> str:
    return str(hotp(device.bin_key, t, digits=device.digits)).zfill(device.digits)


def next_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now_t = (int(time.time()) - device.t0) // device.step + device.drift
    t = max(now_t, device.last_t + 1)
    if t > now_t + device.tolerance:  # both usable codes are spent: wait for the next step
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
        return next_code(user)
    return code_at(device, t)


def verify_session(client, user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session: SessionBase = client.session
    request = HttpRequest()
    request.session = session
    request.user = user
    django_otp.login(request, device)
    session.save()
    return device
