"""wareview as a cluster: two gunicorn web nodes and two Celery workers, each a process in a folder of its own with
no MEDIA_ROOT in common, on one PostgreSQL database, one Redis and a bucket on an S3-compatible server
(tests/cluster/conftest.py).

A person signs in on node A and goes on on node B with the same cookie; saves answers on both in turn, from two
tabs that each know only their own last version, and every tick is kept; asks node A for a review's PDF, which a
worker renders into the bucket, and downloads it from node B. Then node A and the worker rendering the next PDF die
(SIGKILL, mid-render): node B still serves the person, and the other worker renders the PDF, since the dead
worker's message goes back to the queue (acks_late, the Redis visibility timeout): nobody has to press Retry.
"""

import re

import pytest
import requests
from django.conf import global_settings

from tests.cluster.nodes import Node, media_files
from tests.factories import UserFactory, build_lens
from tests.project.worker_process import log_tail, wait_until
from tests.reports.helpers import FINISHED, answer, wait_for
from wareview.reports.models import JobStatus, Report
from wareview.reviews.models import Answer
from wareview.reviews.services import review_start
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = [pytest.mark.cluster, pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
VERSION = re.compile(r'id="answer-version-[^"]+" name="version" value="(\d+)"')
JOB = re.compile(r"^/reports/(\d+)/$")
# Long notes on 38 of the 40 questions make a PDF of many pages: seconds of rendering to kill a worker in.
NOTES = "The service keeps its latency within budget under the nightly batch. " * 14
TIMEOUT = 90


class Tab:
    """One browser tab of the person, talking to one node, with the cookies it was given or got."""

    def __init__(self, node: Node, cookies: requests.cookies.RequestsCookieJar | None = None) -> None:
        self.node = node
        self.session = requests.Session()
        if cookies is not None:
            self.session.cookies.update(cookies)

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.node.url + path, allow_redirects=False, timeout=TIMEOUT)

    def post(self, path: str, data: dict | list, *, htmx: bool = False) -> requests.Response:
        headers = {"X-CSRFToken": self.session.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        return self.session.post(self.node.url + path, data, headers=headers, allow_redirects=False, timeout=TIMEOUT)

    def sign_in(self, username: str) -> None:
        assert self.get("/accounts/login/").status_code == 200
        form = {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]}
        response = self.post("/accounts/login/", form)
        assert response.status_code == 302 and "sessionid" in self.session.cookies, response.text[:500]

    def version(self, review_pk: int, code: str) -> int:
        """The answer's version as the question page shows it."""
        page = self.get(f"/reviews/{review_pk}/questions/{code}/")
        assert page.status_code == 200, (page.status_code, page.headers.get("Location"))
        return int(VERSION.search(page.text).group(1))

    def save(self, review_pk: int, code: str, version: int, letters: str) -> int:
        """The question page's autosave, as htmx posts it, of the practices `letters` from `version`; the version
        the answer now has."""
        form = [("version", version), ("reason", ""), ("notes", "")]
        form += [("selected", f"{code.lower()}_{letter}") for letter in letters]
        saved = self.post(f"/reviews/{review_pk}/questions/{code}/", form, htmx=True)
        assert saved.status_code == 200, (self.node.name, saved.status_code, saved.text[:500])
        return int(VERSION.search(saved.text).group(1))

    def ask_for_pdf(self, review_pk: int) -> Report:
        asked = self.post(f"/reviews/{review_pk}/report/pdf/", {})
        assert asked.status_code == 302, (asked.status_code, asked.text[:500])
        return Report.objects.get(pk=int(JOB.match(asked.headers["Location"]).group(1)))

    def download(self, report: Report) -> bytes:
        pdf = self.get(f"/reports/{report.pk}/download/")
        assert pdf.status_code == 200, (pdf.status_code, pdf.text[:500])
        return pdf.content


def a_review_with_long_notes(settings):
    """ada's review of a lens of 40 questions, 38 of them answered with long notes: a PDF of many pages."""
    # The nodes check passwords with the production hashers: the person's must be made with one of them.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    person = UserFactory(username="ada", password=PASSWORD)
    team = team_create(name="Payments", user=person)
    workload = Workload.objects.create(team=team, name="Checkout", created_by=person)
    review = review_start(workload=workload, lens=build_lens(questions_per_area=10, areas=4), user=person)
    for number in range(3, 41):
        answer(review, f"Q_{number:02d}", "a", notes=NOTES)
    return review


def ticked(review, code: str) -> list[str]:
    return sorted(Answer.objects.get(review=review, question__code=code).selected)


def test_two_web_nodes_and_two_workers_share_sessions_answers_and_pdfs_and_lose_nothing_when_one_of_each_dies(
    cluster, settings
):
    review = a_review_with_long_notes(settings)  # while the nodes start
    cluster.wait_ready()
    web_a, web_b = cluster.web_a, cluster.web_b

    # Signed in on A, the person goes on on B with the same cookie; B sends a stranger to sign in.
    tab_a = Tab(web_a)
    tab_a.sign_in("ada")
    tab_b = Tab(web_b, cookies=tab_a.session.cookies)
    assert tab_b.get("/").status_code == 200
    assert Tab(web_b).get("/").headers["Location"].startswith("/accounts/login/")

    # Saves on A and B in turn, each from the version the previous save answered with, keep every tick.
    version = tab_a.version(review.pk, "Q_01")
    for tab, letters in ((tab_a, "a"), (tab_b, "ab"), (tab_a, "abc")):
        version = tab.save(review.pk, "Q_01", version, letters)
    assert ticked(review, "Q_01") == ["q_01_a", "q_01_b", "q_01_c"]
    # Two tabs, one on each node, each saving from the version it last saw: each save is merged over the other's.
    version_a, version_b = tab_a.version(review.pk, "Q_02"), tab_b.version(review.pk, "Q_02")
    version_a = tab_a.save(review.pk, "Q_02", version_a, "a")
    version_b = tab_b.save(review.pk, "Q_02", version_b, "b")
    tab_a.save(review.pk, "Q_02", version_a, "ac")
    assert ticked(review, "Q_02") == ["q_02_a", "q_02_b", "q_02_c"]

    # A PDF asked for on A, rendered by a worker into the bucket, downloaded from B.
    first = wait_for(tab_a.ask_for_pdf(review.pk), FINISHED, timeout=TIMEOUT)
    assert first.status == JobStatus.READY, first.error
    assert tab_b.download(first).startswith(b"%PDF")
    assert first.file.name in cluster.s3.object_keys("reports/")
    assert first.pk in [pk for worker in cluster.workers for pk in worker.reports_rendered()]

    # The next PDF (after another save, on B): node A and the worker that took it die while it renders.
    tab_b.save(review.pk, "Q_01", tab_b.version(review.pk, "Q_01"), "ab")
    received = [worker.tasks_received() for worker in cluster.workers]
    second = tab_a.ask_for_pdf(review.pk)
    wait_for(second, {JobStatus.RENDERING, *FINISHED}, timeout=TIMEOUT, interval=0.02)
    takers = [
        worker for worker, before in zip(cluster.workers, received, strict=True) if worker.tasks_received() > before
    ]
    assert len(takers) == 1, "exactly one worker should have taken the PDF it renders"
    taker = takers[0]
    taker.kill()
    web_a.kill()
    second.refresh_from_db()
    assert second.status == JobStatus.RENDERING, "the worker finished the PDF before it was killed: make it longer"
    survivor = next(worker for worker in cluster.workers if worker is not taker)

    # B still serves the signed-in person, and takes saves; A is gone.
    with pytest.raises(requests.ConnectionError):
        tab_a.get("/")
    assert tab_b.version(review.pk, "Q_01") > version
    tab_b.save(review.pk, "Q_03", tab_b.version(review.pk, "Q_03"), "ab")
    assert ticked(review, "Q_03") == ["q_03_a", "q_03_b"]

    # The dead worker's message comes back to the queue; the other worker renders the PDF, downloaded from B.
    wait_until(
        lambda: second.pk in survivor.reports_rendered(),
        f"{survivor.name} to render report {second.pk} that {taker.name} died with",
        log=survivor.log,
        process=survivor.process,
        timeout=TIMEOUT,
    )
    second.refresh_from_db()
    assert second.status == JobStatus.READY, (second.error, log_tail(survivor.log))
    assert second.attempts >= 2  # taken by the dead worker, then by the other one
    assert tab_b.download(second).startswith(b"%PDF")
    assert {first.file.name, second.file.name} <= set(cluster.s3.object_keys("reports/"))
    assert media_files(cluster.nodes) == []
