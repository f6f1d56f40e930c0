import pytest
from django.test import RequestFactory

from salescrm.accounts.clients import client_ip


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),
        # Not from a proxy: the header is the client's own words, ignored.
        ("203.0.113.5", "192.0.2.1", "203.0.113.5"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "203.0.113.5, 10.0.0.3", "203.0.113.5"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_last_one_the_trusted_proxies_vouch_for(
    settings, peer, forwarded, expected
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    meta = {"REMOTE_ADDR": peer}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded

    assert client_ip(RequestFactory().get("/", **meta)) == expected
