"""Starting a review pre-filled from a template of the team or from another of its reviews, through the lens's
upgrade mapping when the answers belong to an earlier version; who may; what bad input gets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import build_lens, build_profiled_lens
from tests.review_templates.conftest import MARK, answer, answers_of
from wareview.lenses.models import Choice, Question, RiskRule
from wareview.lenses.services import lens_new_draft, lens_publish
from wareview.profiles.services import profile_save
from wareview.review_templates.models import ReviewTemplate
from wareview.review_templates.selectors import PrefillSource, prefill_sources
from wareview.review_templates.services import TemplateError, review_prefill, review_start_prefilled, template_save
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import AnswerChange, AnswerRisk, Review
from wareview.reviews.services import review_start
from wareview.teams.services import team_create
from wareview.workloads.models import Workload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(cast) -> Workload:
    return Workload.objects.create(team=cast.team, name="Ledger", created_by=cast.owner)


@pytest.fixture
def baseline(cast, answered) -> ReviewTemplate:
    return template_save(review=answered, name="Payments baseline", description="", user=cast.owner)


def start_url(workload) -> str:
    return reverse("review_templates:start", args=[workload.pk])


def start(client, workload, lens, source: str):
    return client.post(start_url(workload), {"lens": lens.pk, "source": source})


def test_starting_from_a_template_pre_fills_the_answers_each_marked_with_the_template(client, cast, ledger, baseline):
    client.force_login(cast.contributor)
    response = start(client, ledger, cast.lens, f"template-{baseline.pk}")
    review = Review.objects.get(workload=ledger)
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:overview", args=[review.pk])
    answers = answers_of(review)
    first, second, third, fourth = (answers[code] for code in ("Q_01", "Q_02", "Q_03", "Q_04"))
    assert (first.selected, first.notes, first.risk) == (["q_01_a", "q_01_b"], "Checked in March.", AnswerRisk.NONE)
    assert (second.not_applicable, second.reason, second.risk) == (True, "out_of_scope", AnswerRisk.NOT_APPLICABLE)
    assert (third.selected, third.practices_not_applicable, third.risk) == (["q_03_a"], {"q_03_b": MARK}, "NO_RISK")
    assert {a.prefilled_from for a in (first, second, third)} == {"template Payments baseline"}
    assert (fourth.risk, fourth.prefilled_from, fourth.version) == (AnswerRisk.UNANSWERED, "", 0)
    change = AnswerChange.objects.get(answer=first)
    assert (change.note, change.changed_by, change.version) == (
        "Pre-filled from template Payments baseline",
        cast.contributor,
        1,
    )
    assert change.before["selected"] == [] and change.after["selected"] == ["q_01_a", "q_01_b"]
    assert first.updated_by == cast.contributor


def test_copying_answers_from_another_review_of_the_team_names_that_review(client, cast, ledger, answered):
    client.force_login(cast.owner)
    assert start(client, ledger, cast.lens, f"review-{answered.pk}").status_code == 302
    copied = answers_of(Review.objects.get(workload=ledger))
    label = f"review Checkout ({answered.created_at:%Y-%m-%d})"
    assert copied["Q_01"].selected == ["q_01_a", "q_01_b"]
    assert copied["Q_03"].practices_not_applicable == {"q_03_b": MARK}
    assert {copied[code].prefilled_from for code in ("Q_01", "Q_02", "Q_03")} == {label}
    assert AnswerChange.objects.get(answer=copied["Q_02"]).note == f"Pre-filled from {label}"


def test_the_start_page_offers_the_question_sets_then_the_teams_templates_and_reviews_on_the_one_chosen(
    client, cast, ledger, baseline
):
    client.force_login(cast.contributor)
    body = client.get(start_url(ledger)).content.decode()
    assert f'<option value="{cast.lens.pk}">' in body
    body = client.get(start_url(ledger), {"lens": cast.lens.pk}).content.decode()
    assert f'value="template-{baseline.pk}"' in body and "Template “Payments baseline”" in body
    assert f'value="review-{cast.review.pk}"' in body and "Copy answers from the review of Checkout" in body
    other = build_lens()
    body = client.get(start_url(ledger), {"lens": other.pk}).content.decode()
    assert "The team has no template and no review on" in body


def test_the_workload_page_links_to_starting_from_a_template(client, cast, ledger):
    client.force_login(cast.contributor)
    body = client.get(reverse("workloads:detail", args=[ledger.pk])).content.decode()
    assert start_url(ledger) in body


def test_a_workload_with_every_question_set_under_review_is_told_so(client, cast):
    client.force_login(cast.contributor)
    body = client.get(start_url(cast.workload)).content.decode()
    assert "Every question set already has an open review of Checkout" in body


@pytest.fixture
def version_two(cast):
    """v2 of the cast's lens: Q_01's practice a renamed q_01_first; Q_02 takes over Q_03 (removed), its practice c
    merging Q_03's practice a."""
    draft = lens_new_draft(lens=cast.lens)
    in_draft = Choice.objects.filter(question__pillar__lens=draft)
    in_draft.filter(code="q_01_a").update(code="q_01_first", replaces=["Q_01/q_01_a"])
    RiskRule.objects.filter(question__pillar__lens=draft, question__code="Q_01", order=1).update(
        condition="q_01_no || !q_01_first"
    )
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(replaces=["Q_02", "Q_03"])
    in_draft.filter(code="q_02_c").update(replaces=["Q_02/q_02_c", "Q_03/q_03_a"])
    Question.objects.filter(pillar__lens=draft, code="Q_03").delete()
    return lens_publish(lens=draft)


def test_a_template_of_an_earlier_version_follows_the_upgrade_mapping(client, cast, ledger, baseline, version_two):
    client.force_login(cast.contributor)
    assert start(client, ledger, version_two, f"template-{baseline.pk}").status_code == 302
    review = Review.objects.get(workload=ledger)
    assert review.lens == version_two
    answers = answers_of(review)
    assert set(answers) == {"Q_01", "Q_02", "Q_04"}
    assert (answers["Q_01"].selected, answers["Q_01"].risk) == (["q_01_first", "q_01_b"], AnswerRisk.NONE)
    # Q_02 did not apply but Q_03, which it takes over, did: it applies, with Q_03's tick on the merged practice.
    merged = answers["Q_02"]
    assert (merged.not_applicable, merged.selected, merged.risk) == (False, ["q_02_c"], AnswerRisk.HIGH)
    assert merged.prefilled_from == "template Payments baseline"
    assert answers["Q_04"].prefilled_from == ""


def test_a_template_of_a_later_version_is_not_offered_to_an_earlier_one(cast, answered, version_two):
    newer = review_start(
        workload=Workload.objects.create(team=cast.team, name="Search", created_by=cast.owner),
        lens=version_two,
        user=cast.owner,
    )
    template = template_save(review=newer, name="On v2", description="", user=cast.owner)
    keys = {source.key for source in prefill_sources(team=cast.team, lens=cast.lens)}
    assert f"template-{template.pk}" not in keys
    assert f"template-{template.pk}" in {source.key for source in prefill_sources(team=cast.team, lens=version_two)}
    with pytest.raises(TemplateError, match="same question set, at its version or an earlier one"):
        review_prefill(review=cast.review, states={}, from_lens=version_two, label="template On v2", user=cast.owner)


def test_marks_the_workload_profile_made_are_left_behind(cast, ledger):
    profile_mark = {"reason": "profile", "note": "No cache."}
    states = {
        "Q_01": AnswerState(selected=["q_01_a"], practices_not_applicable={"q_01_b": profile_mark, "q_01_c": MARK})
    }
    review = review_start(workload=ledger, lens=cast.lens, user=cast.owner)
    review_prefill(review=review, states=states, from_lens=cast.lens, label="template T", user=cast.owner)
    assert answers_of(review)["Q_01"].practices_not_applicable == {"q_01_c": MARK}


def test_practices_a_version_does_not_have_are_left_out(cast, ledger):
    states = {"Q_01": AnswerState(selected=["q_01_a", "q_99_z"]), "Q_99": AnswerState(selected=["q_99_a"])}
    review = review_start(workload=ledger, lens=cast.lens, user=cast.owner)
    filled = review_prefill(review=review, states=states, from_lens=cast.lens, label="template T", user=cast.owner)
    assert [answer.question.code for answer in filled] == ["Q_01"]
    assert answers_of(review)["Q_01"].selected == ["q_01_a"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_viewer_cannot_start_from_a_template(client, cast, ledger, baseline, method):
    client.force_login(cast.viewer)
    data = {"lens": cast.lens.pk, "source": f"template-{baseline.pk}"}
    response = getattr(client, method)(start_url(ledger), data)
    assert response.status_code == 403
    assert not Review.objects.filter(workload=ledger).exists()


def test_an_outsider_cannot_start_a_review_of_the_teams_workload(client, cast, ledger, baseline):
    client.force_login(cast.outsider)
    assert start(client, ledger, cast.lens, f"template-{baseline.pk}").status_code == 404
    assert not Review.objects.filter(workload=ledger).exists()


def test_another_teams_template_or_review_is_refused_with_words(client, cast, ledger, answered):
    elsewhere = team_create(name="Elsewhere too", user=cast.outsider)
    theirs = review_start(
        workload=Workload.objects.create(team=elsewhere, name="Theirs", created_by=cast.outsider),
        lens=cast.lens,
        user=cast.outsider,
    )
    answer(theirs, "Q_01", cast.outsider, selected=["q_01_a"])
    template = template_save(review=theirs, name="Theirs", description="", user=cast.outsider)
    client.force_login(cast.owner)
    for source in (f"template-{template.pk}", f"review-{theirs.pk}", "template-nonsense", "review-0"):
        response = start(client, ledger, cast.lens, source)
        assert response.status_code == 400
        assert "That is not a template or a review of this team on this question set" in response.content.decode()
    assert not Review.objects.filter(workload=ledger).exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"source": "template-1"}, "Choose the question set to review against."),
        ({"lens": "nope", "source": "template-1"}, "That question set does not exist or is not published"),
        ({"lens": "LENS"}, "Choose a template or a review to start from."),
    ],
)
def test_a_start_with_something_missing_or_wrong_is_refused_with_words(client, cast, ledger, baseline, data, words):
    client.force_login(cast.owner)
    data = {key: cast.lens.pk if value == "LENS" else value for key, value in data.items()}
    response = client.post(start_url(ledger), data)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Review.objects.filter(workload=ledger).exists()


def test_choosing_a_question_set_that_does_not_exist_is_refused_with_words(client, cast, ledger):
    client.force_login(cast.owner)
    response = client.get(start_url(ledger), {"lens": "999999"})
    assert response.status_code == 400
    assert "That question set does not exist or is not published" in response.content.decode()


def test_a_workload_with_an_open_review_on_the_question_set_is_refused_with_words(client, cast, baseline):
    client.force_login(cast.owner)
    response = start(client, cast.workload, cast.lens, f"template-{baseline.pk}")
    assert response.status_code == 409
    assert "Checkout already has an open review on" in response.content.decode()
    assert Review.objects.filter(workload=cast.workload).count() == 1
    assert ReviewTemplate.objects.count() == 1


def full_template(cast, lens) -> PrefillSource:
    """A template answering every question of `lens`."""
    codes = Question.objects.filter(pillar__lens=lens).values_list("code", flat=True)
    answers = {code: {"selected": [f"{code.lower()}_a"], "notes": "n"} for code in codes}
    template = ReviewTemplate.objects.create(team=cast.team, lens=lens, name=f"All of {lens.pk}", answers=answers)
    return PrefillSource(f"template-{template.pk}", f"template {template.name}", lens, template=template)


def test_pre_filling_takes_the_same_queries_on_a_small_and_a_large_lens(cast, ledger):
    counts = []
    for lens in (cast.lens, build_lens(questions_per_area=6, areas=4)):
        source = full_template(cast, lens)
        with CaptureQueriesContext(connection) as queries:
            review = review_start_prefilled(workload=ledger, lens=lens, source=source, user=cast.owner)
        assert all(answer.prefilled_from for answer in answers_of(review).values())
        counts.append(len(queries))
        review.delete()
    assert counts[0] == counts[1]


def test_the_start_page_takes_the_same_queries_for_one_source_as_for_many(client, cast, ledger, baseline):
    client.force_login(cast.owner)
    url = start_url(ledger)
    client.get(url, {"lens": cast.lens.pk})
    counts = []
    for extra in (0, 30):
        ReviewTemplate.objects.bulk_create(
            ReviewTemplate(team=cast.team, lens=cast.lens, name=f"More {n}") for n in range(extra)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"lens": cast.lens.pk}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_template_of_the_shipped_v1_pre_fills_a_v2_review_as_moving_the_review_to_v2_would(cast):
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    from wareview.lenses.models import Lens
    from wareview.reviews.upgrade import review_upgrade_plan

    fixtures = Path(settings.BASE_DIR) / "fixtures"
    call_command("loaddata", fixtures / "performance_efficiency.json", verbosity=0)
    call_command("loaddata", fixtures / "performance_efficiency_v2.json", verbosity=0)
    v1 = Lens.objects.get(slug="performance-efficiency", version=1)
    v2 = Lens.objects.get(slug="performance-efficiency", version=2)
    first = review_start(
        workload=Workload.objects.create(team=cast.team, name="Shop", created_by=cast.owner), lens=v1, user=cast.owner
    )
    for saved in answers_of(first).values():
        practices = [c for c in saved.question.choices.order_by("order") if not c.is_none]
        marked = {c.code: MARK for c in practices[1::4]}
        answer(
            first,
            saved.question.code,
            cast.owner,
            selected=[c.code for c in practices[::2]],
            practices_not_applicable=marked,
            notes=f"About {saved.question.code}.",
        )
    template = template_save(review=first, name="Shop on v1", description="", user=cast.owner)
    source = PrefillSource(f"template-{template.pk}", "template Shop on v1", v1, template=template)
    second = review_start_prefilled(
        workload=Workload.objects.create(team=cast.team, name="Basket", created_by=cast.owner),
        lens=v2,
        source=source,
        user=cast.owner,
    )
    carried = review_upgrade_plan(review=first, target=v2).carried
    prefilled = answers_of(second)
    assert set(prefilled) == set(carried)
    for code, state in carried.items():
        assert prefilled[code].answer_state() == state, code
        assert prefilled[code].prefilled_from == ("template Shop on v1" if state != AnswerState() else "")
    assert sum(bool(a.selected) for a in prefilled.values()) >= len(prefilled) / 2


def test_a_review_started_from_a_template_keeps_the_marks_of_its_workloads_profile(cast, ledger):
    # The profile marks the new review when it starts (no cache: q_01_b and q_02_c do not apply); the template's
    # answers then go over it, and a practice the template neither ticks nor marks keeps the profile's mark.
    lens = build_profiled_lens()
    profile_save(workload=ledger, lens=lens, answers={"keeps_cache": False}, user=cast.owner)
    states = {"Q_01": AnswerState(selected=["q_01_a"]), "Q_02": AnswerState(selected=["q_02_a", "q_02_c"])}
    review = review_start(workload=ledger, lens=lens, user=cast.owner)
    review_prefill(review=review, states=states, from_lens=lens, label="template T", user=cast.owner)
    answers = answers_of(review)
    assert answers["Q_01"].selected == ["q_01_a"]
    assert answers["Q_01"].practices_not_applicable["q_01_b"]["reason"] == "profile"
    # What the template ticks wins over the profile's mark.
    assert answers["Q_02"].selected == ["q_02_a", "q_02_c"]
    assert "q_02_c" not in answers["Q_02"].practices_not_applicable
