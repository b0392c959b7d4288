"""The checks of a team's tools that speak for each practice: in lens files under a choice's "wareview" key, in the
shipped fixtures, and refreshed on a published version without changing anything else of it."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import build_lens
from tests.lenses.test_interchange import a_choice, a_lens, a_pillar, a_question, as_text, refused
from tests.lenses.test_load_question_sets import load
from wareview.lenses.interchange import lens_export, lens_import
from wareview.lenses.models import Choice, Lens, PracticeCheck, Question
from wareview.lenses.services import lens_new_draft

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
V2 = FIXTURES / "performance_efficiency_v2.json"
CHECKS = [{"tool": "checkov", "rule": "CKV_AWS_50"}, {"tool": "junit", "test": "http_req_duration* - p(95)<*"}]


def lens_with_checks(checks=CHECKS, **wareview) -> dict:
    choices = [a_choice("practice_a", wareview={"checks": checks, **wareview}), a_choice("practice_b")]
    return a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])])


def test_checks_round_trip_under_the_choices_wareview_key():
    document = lens_with_checks(effort="small")

    result = lens_import(text=as_text(document))

    assert result.created_counts["practice_checks"] == 2 and result.warnings == []
    stored = PracticeCheck.objects.filter(choice__code="practice_a").order_by("pk")
    assert list(stored.values_list("tool", "rule", "test")) == [
        ("checkov", "CKV_AWS_50", ""),
        ("junit", "", "http_req_duration* - p(95)<*"),
    ]
    assert lens_export(lens=result.lens).document == document


def test_bad_checks_are_refused_with_their_json_paths_and_nothing_is_written():
    checks = [
        {"tool": "checkov"},
        {"tool": "checkov", "rule": "CKV_AWS_1", "test": "x"},
        {"tool": "", "rule": "CKV_AWS_2"},
        {"tool": "checkov", "rule": "CKV_AWS_50", "severity": "high"},
        {"tool": "checkov", "rule": "CKV_AWS_50"},
        "CKV_AWS_3",
    ]
    where = "pillars[0].questions[0].choices[0].wareview.checks"
    assert refused(as_text(lens_with_checks(checks))) == [
        f'{where}[0]: give either "rule" (a rule id) or "test" (a test name or glob), not both or neither',
        f'{where}[1]: give either "rule" (a rule id) or "test" (a test name or glob), not both or neither',
        f"{where}[2].tool: must not be empty",
        f'{where}[3].severity: unknown key; a check has "tool" and "rule" or "test"',
        f"{where}[4]: the same check as {where}[3]",
        f"{where}[5]: must be an object, got string",
    ]
    assert refused(as_text(lens_with_checks("CKV_AWS_50"))) == [f"{where}: must be an array, got string"]


def test_a_new_draft_copies_the_checks():
    lens = build_lens()
    choice = Choice.objects.get(question__pillar__lens=lens, code="q_01_a")
    PracticeCheck.objects.create(choice=choice, tool="x", rule="R")

    draft = lens_new_draft(lens=lens)

    assert list(PracticeCheck.objects.filter(choice__question__pillar__lens=draft).values_list("tool", "rule")) == [
        ("x", "R")
    ]


def test_the_performance_efficiency_fixtures_map_practices_to_real_looking_checks():
    load()
    v2 = Lens.objects.get(slug="performance-efficiency", version=2)
    checks = PracticeCheck.objects.filter(choice__question__pillar__lens=v2).select_related("choice")
    assert len({check.choice_id for check in checks}) >= 15
    assert {check.tool for check in checks} == {"checkov", "tfsec", "junit"}
    for check in checks:
        if check.tool == "checkov":
            assert re.fullmatch(r"CKV2?_(AWS|K8S)_\d+", check.rule), check
        elif check.tool == "tfsec":
            assert re.fullmatch(r"aws(-[a-z0-9]+)+", check.rule), check
        else:
            assert check.test and " - " in check.test, check
    v1 = Lens.objects.get(slug="performance-efficiency", version=1)
    assert PracticeCheck.objects.filter(choice__question__pillar__lens=v1).count() >= 10


def test_loading_refreshes_a_published_versions_checks_and_leaves_the_rest_of_it_alone(tmp_path):
    load(V2)
    lens = Lens.objects.get(slug="performance-efficiency", version=2)
    titles = list(Question.objects.filter(pillar__lens=lens).values_list("title", flat=True))
    entries = json.loads(V2.read_text())
    checks = [entry for entry in entries if entry["model"] == "lenses.practicecheck"]
    entries.remove(checks[0])
    checks[1]["fields"]["rule"] = "CKV_AWS_999"
    changed = tmp_path / "v2.json"
    changed.write_text(json.dumps(entries))

    stdout, stderr = load(changed)

    assert f"{changed}: performance-efficiency v2 is already loaded and unchanged." in stdout
    assert f"Its practice checks were refreshed ({len(checks) - 1})." in stdout and stderr == ""
    stored = PracticeCheck.objects.filter(choice__question__pillar__lens=lens)
    assert stored.count() == len(checks) - 1 and stored.filter(rule="CKV_AWS_999").exists()
    assert list(Question.objects.filter(pillar__lens=lens).values_list("title", flat=True)) == titles
    assert Lens.objects.get(pk=lens.pk).is_published


def test_loading_unchanged_checks_says_nothing_of_them():
    load(V2)
    stdout, _ = load(V2)
    assert "is already loaded and unchanged.\n" in stdout and "refreshed" not in stdout


def test_a_check_naming_a_practice_the_version_lacks_is_skipped_and_counted(tmp_path):
    entries = json.loads(V2.read_text())
    check = next(entry for entry in entries if entry["model"] == "lenses.practicecheck")
    check["fields"]["choice"] = ["performance-efficiency", 2, "PERF_01", "no_such_practice"]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(entries))

    stdout, _ = load(path)

    assert "1 checks name a practice this version lacks and were skipped." in stdout
