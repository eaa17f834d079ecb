"""The real client address of a request, read from X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """Comma- or space-separated addresses and CIDRs ("10.0.0.5, 172.16.0.0/12") as networks.

    Raises ValueError naming the entry that is neither an address nor a network.
    """
    networks = []
    for entry in text.replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise ValueError(f"'{entry}' är varken en IP-adress eller ett nät (CIDR)") from exc
    return tuple(networks)


def uvicorn_proxy_options(trusted: Sequence[IPNetwork]) -> dict[str, Any]:
    """uvicorn's proxy settings for these trusted proxies: X-Forwarded-Proto/-For are read from them
    only (uvicorn's own default trusts 127.0.0.1 whatever the installation says)."""
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": [str(network) for network in trusted]}


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443" as some proxies write it
        text = text[1:text.index("]")]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == net.version and address in net for net in networks)


def client_address(peer: str, forwarded_for: Iterable[str], trusted: Sequence[IPNetwork]) -> str:
    """Who sent the request: the direct peer, or, when the peer is a trusted proxy, the rightmost
    untrusted address of X-Forwarded-For.

    Each proxy appends the address it received the request from, so the entries right of the first
    untrusted one were written by our own proxies; everything left of it came from the client and can
    be forged. A malformed entry where a proxy should have written an address stops the walk at the
    last trusted hop. `forwarded_for` is every X-Forwarded-For header of the request, in order.

    >>> nets = parse_networks("10.0.0.0/8")
    >>> client_address("10.0.0.2", ["1.1.1.1, 203.0.113.7, 10.0.0.9"], nets)
    '203.0.113.7'
    >>> client_address("198.51.100.4", ["1.1.1.1"], nets)  # untrusted peer: header ignored
    '198.51.100.4'
    """
    peer_address = _address(peer)
    if not trusted or peer_address is None or not _trusted(peer_address, trusted):
        return peer
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    last_trusted = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return last_trusted
        if not _trusted(address, trusted):
            return str(address)
        last_trusted = str(address)
    # Every hop is one of our proxies (a health check from inside, say): the leftmost is the origin.
    return last_trusted
