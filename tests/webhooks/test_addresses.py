"""Which addresses a webhook may be sent to: the form refuses with words what the address itself shows (userinfo, a
backslash, a bad port, a number that is a private, multicast, broadcast, reserved or unspecified address in any of
its spellings), and every try connects only to an address it judged, so a row that skipped the form, a parser
difference or a DNS answer that changes between check and connection never reaches the server's own network."""

import html
import ipaddress
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import trustme
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from wareview.milestones.services import milestone_save
from wareview.webhooks.addresses import url_refusal
from wareview.webhooks.models import Delivery, Event, Webhook
from wareview.webhooks.sending import send, vetted_session

# The issue's address: RFC 3986 parsers read its host as 8.8.8.8, requests and browsers as 127.0.0.1.
BYPASS = "http://127.0.0.1:{port}\\@8.8.8.8/x"

BACKSLASH = "A webhook address cannot contain a backslash (\\): programs disagree on where its host ends."
USERINFO = "A webhook address cannot carry a user name or password (user:pass@ before the host)"
PRIVATE = "is a private address: set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1 to send to the server's own network."
UNSPECIFIED = "is the unspecified address, which stands for the server itself: not a receiver."


@pytest.fixture
def owner_client(client, cast):
    client.force_login(cast.owner)
    return client


def add(client, team, url: str):
    data = {"url": url, "events": ["milestone.saved"], "is_active": "on"}
    return client.post(reverse("webhooks:create", args=[team.pk]), data)


# Refused whatever WEBHOOK_ALLOW_PRIVATE_ADDRESSES says.
ALWAYS_REFUSED = [
    (BYPASS.format(port=8261), BACKSLASH),
    ("https://hooks.example.com/in\\x", BACKSLASH),
    ("https://user:pa55@hooks.example.com/in", USERINFO),
    ("https://token@hooks.example.com/in", USERINFO),
    ("http://8.8.8.8@127.0.0.1:8261/", USERINFO),
    ("https://hooks.example.com:99999/in", "Ports run from 1 to 65535: 99999 is not one."),
    ("https://hooks.example.com:65536/in", "Ports run from 1 to 65535: 65536 is not one."),
    ("https://hooks.example.com:0/in", "Ports run from 1 to 65535: 0 is not one."),
    ("http://224.0.0.1/in", "224.0.0.1 is a multicast address: a webhook goes to one receiver, never to a group."),
    ("http://[ff02::1]/in", "ff02::1 is a multicast address"),
    ("http://255.255.255.255/in", "255.255.255.255 is the broadcast address: a webhook goes to one receiver"),
    ("http://240.0.0.1/in", "240.0.0.1 is a reserved address, which no receiver uses."),
    ("http://[::7f00:1]/in", "::7f00:1 is a reserved address"),
    ("http://0.0.0.0:8261/in", f"0.0.0.0 {UNSPECIFIED}"),
    ("http://0:8261/in", f"0 (0.0.0.0) {UNSPECIFIED}"),
    ("http://[::]:8261/in", f":: {UNSPECIFIED}"),
    ("http://[::ffff:0.0.0.0]/in", f"::ffff:0.0.0.0 (0.0.0.0) {UNSPECIFIED}"),
    ("http:///in", "Enter an address with a host, as in https://example.com/hooks."),
    ("http://:8261/in", "Enter an address with a host"),
]

# Refused while WEBHOOK_ALLOW_PRIVATE_ADDRESSES is off (the default), each spelling judged as the address it is.
PRIVATE_SPELLINGS = [
    ("http://127.0.0.1:8261/in", "127.0.0.1"),
    ("http://2130706433/in", "2130706433 (127.0.0.1)"),
    ("http://0x7f.1/in", "0x7f.1 (127.0.0.1)"),
    ("http://0x7f000001/in", "0x7f000001 (127.0.0.1)"),
    ("http://0177.0.0.1/in", "0177.0.0.1 (127.0.0.1)"),
    ("http://127.1/in", "127.1 (127.0.0.1)"),
    ("http://[::1]/in", "::1"),
    ("http://[::ffff:127.0.0.1]/in", "::ffff:127.0.0.1 (127.0.0.1)"),
    ("http://[::ffff:7f00:1]/in", "::ffff:7f00:1 (127.0.0.1)"),
    ("http://[64:ff9b::a00:1]/in", "64:ff9b::a00:1 (10.0.0.1)"),
    ("http://localhost:8261/in", "localhost (127.0.0.1)"),
    ("http://localhost./in", "localhost. (127.0.0.1)"),
    ("http://hooks.LOCALHOST/in", "hooks.localhost (127.0.0.1)"),
    ("http://10.1.2.3/in", "10.1.2.3"),
    ("http://192.168.0.10/in", "192.168.0.10"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://100.64.0.1/in", "100.64.0.1"),
    ("http://[fd00::1]/in", "fd00::1"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url, words", ALWAYS_REFUSED)
@pytest.mark.parametrize("allow_private", [False, True])
def test_the_form_refuses_an_address_that_is_never_a_receiver_with_words(
    owner_client, cast, settings, url, words, allow_private
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = allow_private
    response = add(owner_client, cast.team, url)
    assert response.status_code == 400
    assert words in html.unescape(response.content.decode())
    assert not Webhook.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url, host", PRIVATE_SPELLINGS)
def test_the_form_refuses_the_servers_own_network_in_any_spelling_unless_the_setting_allows_it(
    owner_client, cast, settings, url, host
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = add(owner_client, cast.team, url)
    assert response.status_code == 400
    assert f"{host} {PRIVATE}" in html.unescape(response.content.decode())
    assert not Webhook.objects.exists()
    assert url_refusal(url, allow_private=True) == ""  # the setting on lets the server's own network through


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/in?token=abc", "https://hooks.example.com:8443/in", "http://8.8.8.8:8080/in"],
)
def test_the_form_keeps_a_public_address(owner_client, cast, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert add(owner_client, cast.team, url).status_code == 302
    assert Webhook.objects.get().url == url


# Spellings of 127.0.0.1 and 0.0.0.0 (both reach a listener on 127.0.0.1), as the system's resolver reads numbers.
def ipv4_spellings(number: int) -> st.SearchStrategy[str]:
    def part(value: int) -> st.SearchStrategy[str]:
        return st.sampled_from([str(value), hex(value), f"0{value:o}" if value else "0"])

    a, b, c, d = ipaddress.IPv4Address(number).packed
    return st.one_of(
        st.tuples(part(a), part(b), part(c), part(d)).map(".".join),
        st.tuples(part(a), part(b << 16 | c << 8 | d)).map(".".join),
        st.tuples(part(a), part(b), part(c << 8 | d)).map(".".join),
        part(number),
        st.just(f"[::ffff:{ipaddress.IPv4Address(number)}]"),
    )


LOOPBACK = st.one_of(ipv4_spellings(0x7F000001), st.sampled_from(["localhost", "localhost.", "LocalHost", "[::1]"]))
UNSPECIFIED_HOST = st.one_of(ipv4_spellings(0), st.just("[::]"))
# What surrounds the host: plain, the issue's backslash, userinfo, a fragment or query holding a public host.
WRAPPINGS = [
    "http://{host}:{port}/hooks",
    "HTTP://{host}:{port}/hooks",
    "http://{host}:{port}\\@8.8.8.8/x",
    "http://{host}:{port}\\\\@8.8.8.8/x",
    "http://8.8.8.8:80\\@{host}:{port}/x",
    "http://user:pass@{host}:{port}/x",
    "http://8.8.8.8@{host}:{port}/x",
    "http://{host}:{port}#@8.8.8.8/x",
    "http://{host}:{port}?@8.8.8.8/x",
]


def assert_refused_before_connecting(url: str, receiver, network_guard, allow_private: bool) -> None:
    assert url_refusal(url, allow_private=allow_private)
    result = send(url=url, body=b"{}", headers={}, timeout=2.0, allow_private=allow_private)
    assert result.response_code is None and result.error
    assert not result.error.startswith("Could not connect"), result.error  # refused, not a failed connection
    assert (receiver.received, network_guard) == ([], [])


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=LOOPBACK, wrapping=st.sampled_from(WRAPPINGS))
def test_no_spelling_of_loopback_reaches_a_listener_on_127_0_0_1_by_default(receiver, network_guard, host, wrapping):
    url = wrapping.format(host=host, port=receiver.url.split(":")[2].split("/")[0])
    assert_refused_before_connecting(url, receiver, network_guard, allow_private=False)


@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=UNSPECIFIED_HOST, wrapping=st.sampled_from(WRAPPINGS))
def test_no_spelling_of_the_unspecified_address_is_sent_to_even_with_private_addresses_allowed(
    receiver, network_guard, host, wrapping
):
    url = wrapping.format(host=host, port=receiver.url.split(":")[2].split("/")[0])
    assert_refused_before_connecting(url, receiver, network_guard, allow_private=True)


def wait_until_finished(count: int, timeout: float = 25.0) -> list[Delivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries = list(Delivery.objects.select_related("webhook").order_by("pk"))
        if len(deliveries) == count and all(delivery.is_finished for delivery in deliveries):
            return deliveries
        time.sleep(0.1)
    pytest.fail(f"Not all {count} deliveries finished within {timeout} s: {list(Delivery.objects.values())}")


@pytest.mark.django_db(transaction=True)  # the worker's thread sees what the test commits, as in production
@pytest.mark.parametrize(
    "allow_private, refused",
    [
        (
            False,
            {
                BYPASS: BACKSLASH,
                "http://user:pass@127.0.0.1:{port}/x": USERINFO,
                "http://2130706433:{port}/x": f"2130706433 (127.0.0.1) {PRIVATE}",
                "http://0x7f.1:{port}/x": f"0x7f.1 (127.0.0.1) {PRIVATE}",
                "http://[::ffff:127.0.0.1]:{port}/x": f"::ffff:127.0.0.1 (127.0.0.1) {PRIVATE}",
                "http://localhost.:{port}/x": f"localhost. (127.0.0.1) {PRIVATE}",
                "http://0.0.0.0:{port}/x": f"0.0.0.0 {UNSPECIFIED}",
            },
        ),
        (
            True,
            {
                BYPASS: BACKSLASH,
                "http://user:pass@127.0.0.1:{port}/x": USERINFO,
                "http://0.0.0.0:{port}/x": f"0.0.0.0 {UNSPECIFIED}",
                "http://0:{port}/x": f"0 (0.0.0.0) {UNSPECIFIED}",
            },
        ),
    ],
)
def test_a_worker_never_delivers_a_row_that_skipped_the_form_to_a_listener_on_127_0_0_1(
    cast, receiver, worker, network_guard, settings, allow_private, refused
):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = allow_private
    port = receiver.url.split(":")[2].split("/")[0]
    for url in refused:  # made directly, as a row from before this check or from a database console would be
        Webhook.objects.create(team=cast.team, url=url.format(port=port), events=[Event.MILESTONE_SAVED])
    milestone_save(review=cast.review, name="Baseline", user=cast.owner)  # commits at once: no transaction here
    deliveries = wait_until_finished(len(refused))
    assert (receiver.received, network_guard) == ([], [])
    expected = {url.format(port=port): words for url, words in refused.items()}
    for delivery in deliveries:
        assert delivery.status == Delivery.Status.FAILED and delivery.response_code is None
        assert expected[delivery.webhook.url] in delivery.error, (delivery.webhook.url, delivery.error)


@pytest.fixture
def network_guard(monkeypatch):
    """Connections to anything but loopback fail at once (and are noted), so no test traffic leaves the machine."""
    attempted = []
    real_connect = socket.socket.connect

    def connect(sock, address):
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0].split("%")[0]).is_loopback:
            attempted.append(address[:2])
            raise OSError(f"the test blocks connections to {address[0]}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempted


@pytest.fixture
def dns(monkeypatch):
    """Names of the test's own: `dns.answers[name]` lists what each look-up of `name` answers in turn (the last
    repeats); `dns.asked` the names looked up."""
    real_getaddrinfo = socket.getaddrinfo

    class Dns:
        answers: dict[str, list[list[str]]] = {}
        asked: list[str] = []

        @classmethod
        def getaddrinfo(cls, host, port, *args, **kwargs):
            if host not in cls.answers:
                return real_getaddrinfo(host, port, *args, **kwargs)
            turns = cls.answers[host]
            answer = turns[min(cls.asked.count(host), len(turns) - 1)]
            cls.asked.append(host)
            return [info for address in answer for info in real_getaddrinfo(address, port, *args, **kwargs)]

    Dns.answers, Dns.asked = {}, []
    monkeypatch.setattr(socket, "getaddrinfo", Dns.getaddrinfo)
    return Dns


def test_a_name_that_answers_differently_the_second_time_is_connected_to_at_the_address_judged(
    receiver, network_guard, dns
):
    dns.answers["hooks.rebind.test"] = [["93.184.215.14"], ["127.0.0.1"]]  # public when checked, then loopback
    port = int(receiver.url.split(":")[2].split("/")[0])
    result = send(
        url=f"http://hooks.rebind.test:{port}/hooks", body=b"{}", headers={}, timeout=2.0, allow_private=False
    )
    assert receiver.received == []
    assert network_guard == [("93.184.215.14", port)] and dns.asked == ["hooks.rebind.test"]
    assert result.error == "Could not connect: the test blocks connections to 93.184.215.14"


def test_a_name_with_a_private_address_among_its_public_ones_is_refused(receiver, network_guard, dns):
    dns.answers["hooks.mixed.test"] = [["93.184.215.14", "127.0.0.1"]]
    port = int(receiver.url.split(":")[2].split("/")[0])
    result = send(url=f"http://hooks.mixed.test:{port}/", body=b"{}", headers={}, timeout=2.0, allow_private=False)
    assert (receiver.received, network_guard) == ([], [])
    assert result.error == f"hooks.mixed.test (127.0.0.1) {PRIVATE}"


def test_when_the_first_address_refuses_the_connection_the_next_judged_one_is_tried(receiver, dns):
    dns.answers["hooks.dual.test"] = [["::1", "127.0.0.1"]]  # nothing listens on ::1 at the receiver's port
    port = int(receiver.url.split(":")[2].split("/")[0])
    result = send(url=f"http://hooks.dual.test:{port}/in", body=b"{}", headers={}, timeout=2.0, allow_private=True)
    assert (result.response_code, result.error) == (200, "")
    [got] = receiver.received
    assert got.headers["Host"] == f"hooks.dual.test:{port}" and dns.asked == ["hooks.dual.test"]


@pytest.fixture
def tls_receiver():
    """An https receiver on 127.0.0.1 with a certificate for hooks.tls.test from a CA of the test's own (trustme),
    noting the server name each client asked for (SNI)."""
    names, hosts = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("hooks.tls.test").configure_cert(context)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with authority.cert_pem.tempfile() as ca_file:
        yield server.server_address[1], ca_file, names, hosts
    server.shutdown()
    server.server_close()


def test_https_to_the_judged_address_still_checks_the_certificate_for_the_name(tls_receiver, dns):
    port, ca_file, names, hosts = tls_receiver
    dns.answers["hooks.tls.test"] = [["127.0.0.1"]]
    with vetted_session(allow_private=True) as session:
        response = session.post(f"https://hooks.tls.test:{port}/in", data=b"{}", verify=ca_file, timeout=2)
        assert response.status_code == 204
        assert names == ["hooks.tls.test"] and hosts == [f"hooks.tls.test:{port}"]
        with pytest.raises(requests.exceptions.SSLError, match="certificate verify failed"):
            session.post(f"https://127.0.0.1:{port}/in", data=b"{}", verify=ca_file, timeout=2)  # not its name
