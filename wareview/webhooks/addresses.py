"""Which webhook addresses may be sent to (no Django): read the URL as requests and urllib3 read it, then judge each
address a host is or resolves to.

The form asks `url_refusal` for what the address itself shows (no DNS look-up in a web request); every try asks
`target_of` the same, then `vetted_addresses` judges what the host resolves to, in the transport adapter of
`sending.py`, which connects to the addresses judged here and nowhere else. So no parser difference, and no DNS
server answering differently the second time, can send a delivery somewhere the check did not see.

Always refused: userinfo (`user:pass@`), backslashes, ports outside 1–65535, and the unspecified, multicast,
broadcast and reserved addresses. Loopback, private, link-local and other addresses that are not public are refused
unless `allow_private` (WEBHOOK_ALLOW_PRIVATE_ADDRESSES).
"""

import ipaddress
import re
import socket
from dataclasses import dataclass

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

BACKSLASH_REFUSAL = (
    "A webhook address cannot contain a backslash (\\): programs disagree on where its host ends. "
    "Write it as %5C if the receiver needs one."
)
USERINFO_REFUSAL = (
    "A webhook address cannot carry a user name or password (user:pass@ before the host): wareview signs each "
    "delivery instead (Wareview-Signature). Put a token in the path or the query if the receiver needs one."
)
PORT_REFUSAL = "Ports run from 1 to 65535: {port} is not one."
NO_SCHEME_REFUSAL = "Enter a full address, starting with https:// or http://."
NO_HOST_REFUSAL = "Enter an address with a host, as in https://example.com/hooks."
SCHEME_REFUSAL = "Enter an http:// or https:// address; a webhook cannot be sent to {scheme}: addresses."
PRIVATE_REFUSAL = (
    "{host} is a private address: set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1 to send to the server's own network."
)
# Never a receiver, whatever WEBHOOK_ALLOW_PRIVATE_ADDRESSES says.
UNSPECIFIED_REFUSAL = "{host} is the unspecified address, which stands for the server itself: not a receiver."
MULTICAST_REFUSAL = "{host} is a multicast address: a webhook goes to one receiver, never to a group."
BROADCAST_REFUSAL = "{host} is the broadcast address: a webhook goes to one receiver, never to a network."
RESERVED_REFUSAL = "{host} is a reserved address, which no receiver uses."

# IPv6 addresses that carry an IPv4 address reach that IPv4 address (NAT64's well-known prefix, RFC 6052).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# "This network" (RFC 791): 0.0.0.0 as a destination reaches the server itself on Linux.
THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")
BROADCAST = ipaddress.IPv4Address("255.255.255.255")
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")  # what localhost names stand for (RFC 6761)


class Refusal(Exception):
    """Why an address may not be sent to, in words a team owner understands. Permanent: trying again later meets
    the same refusal until the webhook's URL or WEBHOOK_ALLOW_PRIVATE_ADDRESSES changes."""


class HostNotFound(Refusal):
    """The host's name did not resolve: perhaps for a moment only (a DNS server not answering), so worth a retry."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # without brackets, as urllib3 reads it
    port: int


def target_of(url: str) -> Target:
    """`url` read as urllib3 reads it for requests; Refusal for what the address itself shows to be wrong."""
    if "\\" in url:  # WHATWG parsers read it as "/", RFC 3986 ones as part of the user name: never agree on a host
        raise Refusal(BACKSLASH_REFUSAL)
    try:
        parts = parse_url(url)
    except LocationParseError as error:
        raise Refusal(_unreadable(url, error)) from None
    scheme = (parts.scheme or "").lower()
    if not scheme:
        raise Refusal(NO_SCHEME_REFUSAL)
    if scheme not in ("http", "https"):
        raise Refusal(SCHEME_REFUSAL.format(scheme=scheme[:20]))
    if parts.auth is not None:
        raise Refusal(USERINFO_REFUSAL)
    if not parts.host:
        raise Refusal(NO_HOST_REFUSAL)
    if parts.port is not None and not 1 <= parts.port <= 65535:
        raise Refusal(PORT_REFUSAL.format(port=parts.port))
    return Target(scheme=scheme, host=parts.host.strip("[]"), port=parts.port or (443 if scheme == "https" else 80))


def url_refusal(url: str, *, allow_private: bool) -> str:
    """Why the form refuses `url`, or "": what the address shows, and the address of a host written as a number
    (in any form the system accepts: 2130706433, 0x7f.1, 127.1, ::ffff:127.0.0.1) or named localhost. Other names
    are looked up at each try (`vetted_addresses`), not here."""
    try:
        target = target_of(url)
        address = _literal_address(target.host)
        if address is not None:
            judge(address, host=target.host, allow_private=allow_private)
    except Refusal as refusal:
        return str(refusal)
    return ""


def vetted_addresses(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to, in the resolver's order, each of which passed `judge`: one that does not
    refuses the host (a name that also resolves to a private address is refused). A localhost name is loopback
    whatever the resolver says (RFC 6761), as in the form."""
    if _is_localhost(host):
        judge(LOOPBACK, host=host, allow_private=allow_private)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise HostNotFound(f"The host {host} could not be found.") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        judge(ipaddress.ip_address(address), host=host, allow_private=allow_private)
    return addresses


def judge(address: IPAddress, *, host: str, allow_private: bool) -> None:
    """Refusal unless `address` may receive a webhook."""
    address = _carried_ipv4(address)
    words = {"host": host if host == str(address) else f"{host} ({address})"}
    if address.is_unspecified or address in THIS_NETWORK:
        raise Refusal(UNSPECIFIED_REFUSAL.format(**words))
    if address.is_multicast:
        raise Refusal(MULTICAST_REFUSAL.format(**words))
    if address == BROADCAST:
        raise Refusal(BROADCAST_REFUSAL.format(**words))
    # Loopback before reserved: IPv6's reserved ::/8 holds ::1.
    if address.is_loopback or not (address.is_reserved or address.is_global):
        if not allow_private:
            raise Refusal(PRIVATE_REFUSAL.format(**words))
        return
    if address.is_reserved:
        raise Refusal(RESERVED_REFUSAL.format(**words))


def _carried_ipv4(address: IPAddress) -> IPAddress:
    """An IPv4-mapped (::ffff:127.0.0.1), NAT64 (64:ff9b::7f00:1) or 6to4 (2002:7f00:1::) address is judged as the
    IPv4 address it reaches."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _literal_address(host: str) -> IPAddress | None:
    """The address `host` stands for without a DNS look-up, as the system's resolver reads numbers; None for a name."""
    if _is_localhost(host):
        return LOOPBACK
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    return ipaddress.ip_address(str(infos[0][4][0]).split("%")[0])


def _is_localhost(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _unreadable(url: str, error: LocationParseError) -> str:
    """Words for a URL urllib3 cannot read: a port out of range is the usual reason."""
    port = re.search(r"^[^/?#]*//[^/?#]*:(\d+)(?=[/?#]|$)", url)
    if port and not 1 <= int(port[1]) <= 65535:
        return PORT_REFUSAL.format(port=port[1][:10])
    return f"Enter a valid URL. This one cannot be read: {str(error).removeprefix('Failed to parse: ')}."
