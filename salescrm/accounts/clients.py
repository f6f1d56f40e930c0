"""Who is asking: the client's address and user agent, the same for every check and log."""

from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest

USER_AGENT_MAX = 255


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    proxies = settings.TRUSTED_PROXIES
    if "*" in proxies:
        return True
    for proxy in proxies:
        try:
            if ip_address(address) in ip_network(proxy.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str:
    """The address of the client: the peer, or behind a trusted proxy (TRUSTED_PROXIES, from
    gunicorn's FORWARDED_ALLOW_IPS) the right-most X-Forwarded-For entry that is not itself a
    proxy. Entries a client wrote to the left of the proxies' own are never believed."""
    peer = _valid(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"
    if not _trusted(peer):
        return peer
    forwarded = [_valid(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed(forwarded):
        if address is None:
            break  # a malformed entry: stop believing the chain here
        if not _trusted(address):
            return address
    return peer


def user_agent(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
