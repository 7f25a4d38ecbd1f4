"""Where a webhook URL really points, and whether a delivery may go there.

The host name is resolved here and the connection goes to the address checked (the
request keeps the name in its Host header and TLS SNI), so a name that resolves to a
public address when checked and to 127.0.0.1 a moment later (DNS rebinding) cannot
reach the inside. Redirects are never followed, so one cannot lead inside either.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL points somewhere deliveries may not go (or nowhere)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    host: str  # as written in the URL: the Host header and the TLS server name
    address: str  # the checked address the connection goes to


def is_public(address: IpAddress) -> bool:
    """Not private, loopback, link-local, multicast, reserved or unspecified."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(url: str, allow_private: bool) -> Target:
    """The address to connect to; refused when any address of the name is not public
    (unless `allow_private`), so a name cannot mix a public and an inside address."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError, UnicodeError):
        raise TargetRefused(f"the host {host!r} could not be resolved") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0])
                                   for info in found))
    if not addresses:
        raise TargetRefused(f"the host {host!r} has no address")
    inside = [address for address in addresses if not is_public(address)]
    if inside and not allow_private:
        raise TargetRefused(
            f"{host} points to a private, loopback, link-local or multicast address "
            f"({inside[0]}); an administrator can allow such targets in the settings")
    return Target(host=host, address=str(addresses[0]))
