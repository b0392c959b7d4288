"""How deliveries are signed (pure; no Django): HMAC-SHA256 over "<timestamp>.<body>" with the webhook's secret.

The receiver recomputes it from the `Wareview-Signature` header's `t` and the raw body, compares with `v1` in
constant time, and refuses a timestamp too far from its clock (README.md has the snippet).
"""

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_HEADER = "Wareview-Signature"
EVENT_HEADER = "Wareview-Event"
DELIVERY_HEADER = "Wareview-Delivery"


def payload_body(payload: dict[str, Any]) -> bytes:
    """The bytes sent: compact JSON, keys sorted, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def signature_valid(*, secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver checks: the header's `v1` matches the body signed at its `t`, and `t` is within
    `tolerance` seconds of `now`."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))
