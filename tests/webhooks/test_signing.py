"""Signing, checked as a receiver would: from the raw body and the header alone, with the webhook's secret."""

import hashlib
import hmac
import time

from wareview.webhooks.signing import payload_body, signature_header, signature_valid

SECRET = "whsec_test-secret"


def receiver_verifies(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The check the README shows receivers, written out independently of wareview's code."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = fields["t"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(time.time() - int(timestamp)) <= tolerance


def test_a_receiver_verifies_the_signature_from_the_header_and_the_raw_body():
    body = payload_body({"event": "milestone.saved", "summary": "Milestone “Baseline”"})
    header = signature_header(secret=SECRET, timestamp=int(time.time()), body=body)
    assert header.startswith("t=") and ",v1=" in header
    assert receiver_verifies(SECRET, header, body)


def test_a_changed_body_another_secret_or_an_old_timestamp_fail_the_check():
    body = payload_body({"event": "review.completed"})
    now = int(time.time())
    header = signature_header(secret=SECRET, timestamp=now, body=body)
    assert not receiver_verifies(SECRET, header, body.replace(b"completed", b"reopened"))
    assert not receiver_verifies("whsec_another", header, body)
    stale = signature_header(secret=SECRET, timestamp=now - 3600, body=body)
    assert not receiver_verifies(SECRET, stale, body)


def test_the_timestamp_is_part_of_what_is_signed():
    body = b'{"event":"report.ready"}'
    header = signature_header(secret=SECRET, timestamp=1000, body=body)
    forged = header.replace("t=1000", "t=2000")
    assert signature_valid(secret=SECRET, header=header, body=body, now=1000)
    assert not signature_valid(secret=SECRET, header=forged, body=body, now=2000)
    assert not signature_valid(secret=SECRET, header="v1=abc", body=body, now=1000)


def test_the_body_is_compact_sorted_utf8_json():
    assert payload_body({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
