"""One POST of a delivery to its webhook's URL, with the rules every try follows (no Django).

- A short timeout to connect and to read (WEBHOOK_TIMEOUT).
- Redirects are followed only to the same host (and port), never from https to http, at most MAX_REDIRECTS times,
  each time POSTing the same body and headers again; a redirect elsewhere is a failure that names where it led.
- Addresses that are not public (loopback, private networks, link-local such as cloud metadata services) are
  refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on, so a webhook cannot make the server probe its own network.
- Any 2xx answer is success; anything else, or no answer, is a failure with words.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

MAX_REDIRECTS = 3
BODY_EXCERPT = 200
USER_AGENT = "wareview-webhooks/1"


@dataclass(frozen=True)
class SendResult:
    response_code: int | None
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


def send(*, url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> SendResult:
    """POST `body` to `url` under the rules above."""
    started = time.monotonic()
    code, error = _post_following(url, body, headers, timeout, allow_private)
    return SendResult(response_code=code, error=error, duration_ms=int((time.monotonic() - started) * 1000))


def _post_following(
    url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool
) -> tuple[int | None, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    for _ in range(MAX_REDIRECTS + 1):
        refusal = None if allow_private else address_refusal(url)
        if refusal:
            return None, refusal
        try:
            with requests.post(
                url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            ) as response:
                code, location = response.status_code, response.headers.get("Location")
                excerpt = response.raw.read(BODY_EXCERPT, decode_content=True).decode("utf-8", "replace")
        except requests.Timeout:
            return None, f"No answer within {timeout:g} seconds."
        except requests.RequestException as error:
            return None, f"Could not connect: {_reason(error)}"
        if 200 <= code < 300:
            return code, ""
        if not (300 <= code < 400 and location):
            return code, f"The receiver answered {code}." + (f" {excerpt.strip()}" if excerpt.strip() else "")
        target = urljoin(url, location)
        if not same_origin_or_upgrade(url, target):
            return code, f"Redirected to {target}, another host or a plain-http address: not followed."
        url = target
    return code, f"More than {MAX_REDIRECTS} redirects: not followed further."


def same_origin_or_upgrade(source: str, target: str) -> bool:
    """Whether a redirect from `source` to `target` stays on the same host and port, and never leaves https."""
    before, after = urlsplit(source), urlsplit(target)
    if after.scheme not in ("http", "https") or (before.scheme == "https" and after.scheme == "http"):
        return False
    if (before.hostname or "").lower() != (after.hostname or "").lower():
        return False
    return before.scheme != after.scheme or _port(before) == _port(after)


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme == "https" else 80)


def address_refusal(url: str) -> str:
    """Why `url`'s host may not be sent to (it is or resolves to an address that is not public), or ""."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return f"The host {host} could not be found."
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return (
                f"{host} is a private address ({address}): set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1 to send to the "
                "server's own network."
            )
    return ""


def _reason(error: Exception) -> str:
    """The innermost reason of a connection error, without the long chain requests wraps it in."""
    while error.__context__ is not None and isinstance(error.__context__, Exception):
        error = error.__context__
    return str(error)[:300] or type(error).__name__
