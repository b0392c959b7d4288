"""One POST of a delivery to its webhook's URL, with the rules every try follows (no Django).

- A short timeout to connect and to read (WEBHOOK_TIMEOUT).
- Redirects are followed only to the same host (and port), never from https to http, at most MAX_REDIRECTS times,
  each time POSTing the same body and headers again; a redirect elsewhere is a failure that names where it led.
- Each request (redirects included) goes through `VettedAdapter`: the host requests is about to connect to is
  resolved once, every address it resolves to is judged by `addresses.judge`, and the connection is made to the
  address judged, with the Host header, TLS SNI and certificate check still of the name. Addresses that are not
  public are refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on, so a webhook cannot make the server probe its
  own network; multicast, broadcast, reserved and unspecified addresses, userinfo and bad ports always are.
- No proxy, .netrc or CA bundle from the environment (a proxy would connect wherever it resolves the name).
- Any 2xx answer is success; anything else, or no answer, is a failure with words. An address refused by
  `addresses` (a host that resolves nowhere aside) is a failure no retry can mend: the result says `refused`.
"""

import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError

from wareview.webhooks.addresses import HostNotFound, Refusal, target_of, vetted_addresses

MAX_REDIRECTS = 3
BODY_EXCERPT = 200
USER_AGENT = "wareview-webhooks/1"
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SendResult:
    response_code: int | None
    error: str
    duration_ms: int
    # The address was refused before anything was sent (`addresses.Refusal`): trying again cannot help.
    refused: bool = False

    @property
    def succeeded(self) -> bool:
        return self.response_code is not None and 200 <= self.response_code < 300


def send(*, url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool) -> SendResult:
    """POST `body` to `url` under the rules above."""
    started = time.monotonic()
    refused = False
    try:
        code, error = _post_following(url, body, headers, timeout, allow_private)
    except HostNotFound as not_found:
        code, error = None, str(not_found)
    except Refusal as refusal:  # the first address or a redirect's: nothing was sent there
        code, error, refused = None, str(refusal), True
    duration_ms = int((time.monotonic() - started) * 1000)
    return SendResult(response_code=code, error=error, duration_ms=duration_ms, refused=refused)


def _post_following(
    url: str, body: bytes, headers: dict[str, str], timeout: float, allow_private: bool
) -> tuple[int | None, str]:
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    with vetted_session(allow_private=allow_private) as session:
        for _ in range(MAX_REDIRECTS + 1):
            answer = _post_once(session, url, body, headers, timeout)
            if isinstance(answer, str):
                return None, answer
            code, location, excerpt = answer
            if 200 <= code < 300:
                return code, ""
            if not (300 <= code < 400 and location):
                return code, f"The receiver answered {code}." + (f" {excerpt}" if excerpt else "")
            target = urljoin(url, location)
            if not same_origin_or_upgrade(url, target):
                return code, f"Redirected to {target}, another host or a plain-http address: not followed."
            url = target
    return code, f"More than {MAX_REDIRECTS} redirects: not followed further."


def _post_once(
    session: requests.Session, url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, str | None, str] | str:
    """One POST without following redirects: the code, the Location and the start of the body, or why none came."""
    try:
        target_of(url)  # what the address itself shows (userinfo, backslash, port), before any look-up
        with session.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False, stream=True) as got:
            excerpt = got.raw.read(BODY_EXCERPT, decode_content=True).decode("utf-8", "replace").strip()
            return got.status_code, got.headers.get("Location"), excerpt
    except requests.Timeout:
        return f"No answer within {timeout:g} seconds."
    except requests.RequestException as error:
        return f"Could not connect: {_reason(error)}"


def same_origin_or_upgrade(source: str, target: str) -> bool:
    """Whether a redirect from `source` to `target` stays on the same host and port, and never leaves https."""
    before, after = urlsplit(source), urlsplit(target)
    if after.scheme not in ("http", "https") or (before.scheme == "https" and after.scheme == "http"):
        return False
    if (before.hostname or "").lower() != (after.hostname or "").lower():
        return False
    return before.scheme != after.scheme or _port(before) == _port(after)


def _port(parts: SplitResult) -> int:
    return parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def vetted_session(*, allow_private: bool) -> requests.Session:
    """A session that sends only through `VettedAdapter` and takes nothing from the environment."""
    session = requests.Session()
    session.trust_env = False
    adapter = VettedAdapter(allow_private=allow_private)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class VettedAdapter(HTTPAdapter):
    """Connects only to addresses it judged for the host requests read from the URL, never to a second look-up's.

    `send` resolves the host once and judges every address (`addresses.vetted_addresses`); requests then asks
    `build_connection_pool_key_attributes` (its hook for this, 2.32.2 on) where to connect, and gets the address
    being tried. As urllib3 would, the next address is tried only when no connection was made (nothing was sent).
    The Host header and the TLS server name (so SNI and the certificate's name check) stay the name from the URL.
    One adapter serves one sending thread (`vetted_session` makes one per delivery try)."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(max_retries=0)
        self.allow_private = allow_private
        self._address = ""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        verify, cert = kwargs.get("verify", True), kwargs.get("cert")
        host_params, _ = super().build_connection_pool_key_attributes(request, verify, cert)
        port = host_params["port"] or DEFAULT_PORTS[host_params["scheme"]]
        addresses = vetted_addresses(host_params["host"], port, allow_private=self.allow_private)
        for address in addresses[:-1]:
            self._address = address
            try:
                return super().send(request, *args, **kwargs)
            except requests.ConnectionError as error:
                if not isinstance(getattr(error.args[0], "reason", None), ConnectTimeoutError):
                    raise  # connected, so the request may have arrived: never send it twice
        self._address = addresses[-1]
        return super().send(request, *args, **kwargs)

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host, port = host_params["host"], host_params["port"] or DEFAULT_PORTS[host_params["scheme"]]
        host_params["host"] = self._address
        request.headers["Host"] = _host_header(host, port, host_params["scheme"])  # this prepared request's own dict
        pool_kwargs["server_hostname"] = host  # urllib3 drops it for plain http
        return host_params, pool_kwargs


def _host_header(host: str, port: int, scheme: str) -> str:
    """The Host header http.client would write for the name: brackets round IPv6, the port unless the default."""
    shown = f"[{host}]" if ":" in host else host.rstrip(".")
    return shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"


def _reason(error: Exception) -> str:
    """The innermost reason of a connection error, without the long chain requests wraps it in."""
    while error.__context__ is not None and isinstance(error.__context__, Exception):
        error = error.__context__
    return str(error)[:300] or type(error).__name__
