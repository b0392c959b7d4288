"""A NUL character anywhere in a request gets a 400 with words and changes nothing (PostgreSQL cannot store it)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wareview.reviews.models import Answer
from wareview.teams.models import Team
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db

MESSAGE = "The request contains a NUL character, which wareview cannot store."


def answer_state(cast) -> tuple:
    answer = Answer.objects.get(review=cast.review, question__code="Q_01")
    return answer.version, answer.notes, answer.risk, list(answer.selected)


def assert_refused(response) -> None:
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_nul_in_a_question_url_is_refused_with_a_message(client, cast):
    client.force_login(cast.contributor)
    response = client.get(f"/reviews/{cast.review.pk}/questions/%00/")
    assert_refused(response)
    assert "<h1>That request could not be handled</h1>" in response.content.decode()


def test_a_nul_in_the_notes_of_an_answer_is_refused_and_the_answer_is_unchanged(client, cast):
    before = answer_state(cast)
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    response = client.post(url, {"version": 0, "selected": ["q_01_a"], "notes": "fast\x00path"})
    assert_refused(response)
    assert answer_state(cast) == before


def test_an_htmx_save_with_a_nul_gets_the_message_as_plain_text(client, cast):
    before = answer_state(cast)
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    response = client.post(url, {"version": 0, "selected": ["q_01_a"], "notes": "\x00"}, headers={"HX-Request": "true"})
    assert_refused(response)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert answer_state(cast) == before


def test_a_nul_in_a_form_field_name_is_refused(client, cast):
    before = answer_state(cast)
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    response = client.post(url, {"version": 0, "selected": ["q_01_a"], "notes": "", "no\x00tes": "x"})
    assert_refused(response)
    assert answer_state(cast) == before


@pytest.mark.parametrize("query", ["?next=%00", "?%00=1", "?a=1&%00"])
def test_a_nul_in_a_query_string_is_refused(client, cast, query):
    client.force_login(cast.viewer)
    assert_refused(client.get(reverse("reviews:question", args=[cast.review.pk, "Q_01"]) + query))


def test_a_signed_out_visitor_sending_a_nul_is_refused_too(client):
    assert_refused(client.get("/teams/%00/"))
    assert_refused(client.post(reverse("login"), {"login": "ana\x00", "password": "x"}))


def test_a_team_name_with_a_nul_is_refused_and_no_team_is_created(client, cast):
    client.force_login(cast.contributor)
    response = client.post(reverse("teams:list"), {"name": "Plat\x00form"})
    assert_refused(response)
    assert not Team.objects.filter(name__startswith="Plat").exists()


def test_a_workload_name_with_a_nul_is_refused_and_no_workload_is_created(client, cast):
    client.force_login(cast.contributor)
    fields = {"name": "Search\x00API", "environment": "production"}
    assert_refused(client.post(reverse("workloads:create", args=[cast.team.pk]), fields))
    assert list(Workload.objects.filter(team=cast.team).values_list("name", flat=True)) == ["Checkout"]


def test_a_renamed_workload_with_a_nul_in_its_notes_keeps_its_old_values(client, cast):
    client.force_login(cast.owner)
    fields = {"name": "Checkout v2", "environment": "production", "notes": "\x00"}
    assert_refused(client.post(reverse("workloads:edit", args=[cast.workload.pk]), fields))
    cast.workload.refresh_from_db()
    assert (cast.workload.name, cast.workload.notes) == ("Checkout", "")


def test_a_nul_in_a_non_file_field_of_an_upload_is_refused(client, cast):
    client.force_login(cast.contributor)
    upload = SimpleUploadedFile("lens.json", b"{}", content_type="application/json")
    assert_refused(client.post(reverse("teams:list"), {"name": "Plat\x00form", "file": upload}))
    assert not Team.objects.filter(name__startswith="Plat").exists()


def test_a_nul_inside_an_uploaded_file_is_left_to_whoever_reads_the_file(client, cast):
    client.force_login(cast.contributor)
    upload = SimpleUploadedFile("lens.json", b'{"name": "\x00"}', content_type="application/json")
    response = client.post(reverse("teams:list"), {"name": "Platform", "file": upload})
    assert response.status_code == 302
    assert Team.objects.filter(name="Platform").exists()


def test_a_nul_in_the_session_cookie_is_refused(client, cast):
    client.force_login(cast.owner)
    client.cookies["sessionid"] = "abc\x00defghijk"
    assert_refused(client.get(reverse("teams:list")))


@pytest.mark.parametrize("htmx", [False, True])
def test_the_refusal_of_a_nul_carries_the_headers_of_every_page(client, cast, htmx):
    client.force_login(cast.owner)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("teams:list") + "?q=%00", headers=headers)
    assert_refused(response)
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_nul_in_the_session_cookie_is_refused_with_the_headers_of_every_page(client, cast):
    client.force_login(cast.owner)
    client.cookies["sessionid"] = "abc\x00defghijk"
    response = client.get(reverse("teams:list"))
    assert_refused(response)
    assert "no-store" in response["Cache-Control"] and "camera=()" in response["Permissions-Policy"]
    assert "Content-Security-Policy" in response
