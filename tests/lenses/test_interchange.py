"""Import and export of AWS custom-lens JSON files: validation messages, the database writes, round trips."""

import json
import math
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from wareview.lenses.interchange import (
    ImportResult,
    LensFileError,
    LensImportError,
    lens_export,
    lens_import,
    lens_parse,
    lens_validate,
)
from wareview.lenses.models import Choice, FocusArea, Lens, Pillar, Question, RiskRule

pytestmark = pytest.mark.django_db

SAMPLES = [
    "AWS-Passport_Passport-Custom-Lens.json",
    "Amazon-S3-Lens_Amazon_S3_Lens.json",
    "DynamoDB_custom-lensddb-v1.0.json",
    "ORR-Lens_ORR-Whitepaper-Sample-PUBLISHED.json",
]
LARGEST_SAMPLE = "Amazon-S3-Lens_Amazon_S3_Lens.json"
TABLES = {Pillar: "pillars", FocusArea: "focus_areas", Question: "questions", Choice: "choices", RiskRule: "risk_rules"}
# The ORR sample's first question title, line 12: `                    "title": "Architecture Diagram (H)",`
ORR_SAMPLE, ORR_FIRST_TITLE = SAMPLES[3], '"Architecture Diagram (H)"'


# Small lens documents


def a_choice(code: str = "practice_a", **fields: object) -> dict:
    return {"id": code, "title": f"Practice {code}", "improvementPlan": {"displayText": "Start small."}, **fields}


def a_rule(condition: str, risk: str) -> dict:
    return {"condition": condition, "risk": risk}


def a_question(code: str = "rel_1", *, choices: list | None = None, rules: list | None = None, **fields) -> dict:
    if choices is None:
        choices = [a_choice("practice_a"), a_choice("practice_b")]
    if rules is None:
        rules = [a_rule("!practice_a", "HIGH_RISK"), a_rule("!practice_b", "MEDIUM_RISK"), a_rule("default", "NO_RISK")]
    return {
        "id": code,
        "title": f"How do you handle {code}?",
        "description": "Think about it.",
        "choices": choices,
        "riskRules": rules,
        **fields,
    }


def a_pillar(code: str = "reliability", *, questions: list | None = None, **fields: object) -> dict:
    return {"id": code, "name": code.title(), "questions": [a_question()] if questions is None else questions, **fields}


def a_lens(*, pillars: list | None = None, **fields: object) -> dict:
    return {
        "schemaVersion": "2021-11-01",
        "name": "Tiny lens",
        "description": "A lens for tests.",
        "pillars": [a_pillar()] if pillars is None else pillars,
        **fields,
    }


def as_text(document: object) -> str:
    return json.dumps(document)


def sample_text(shared_dir: Path, name: str) -> str:
    return (shared_dir / "lens-samples" / name).read_text(encoding="utf-8")


# Helpers


def db_counts() -> tuple[int, int, int]:
    return Lens.objects.count(), Question.objects.count(), Choice.objects.count()


def refused(text: str) -> list[str]:
    """Import `text` expecting a refusal; check that nothing was written and return the error messages."""
    before = db_counts()
    with pytest.raises(LensImportError) as caught:
        lens_import(text=text)
    assert db_counts() == before
    return caught.value.errors


def counted_import(text: str) -> tuple[ImportResult, int]:
    with CaptureQueriesContext(connection) as queries:
        result = lens_import(text=text)
    return result, len(queries)


def insert_batches(model: type[Model], rows: int) -> int:
    """How many INSERTs bulk_create needs for `rows` rows: Django's SQLite backend caps one at 999 parameters."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


# Round trips


@pytest.mark.parametrize("name", SAMPLES)
def test_a_sample_lens_exports_back_to_the_content_it_was_imported_from(shared_dir: Path, name: str) -> None:
    text = sample_text(shared_dir, name)
    lens = Lens.objects.get(pk=lens_import(text=text).lens.pk)

    assert lens_export(lens=lens).document == json.loads(text)


def test_a_sample_with_nan_imports_and_round_trips_once_nan_is_replaced_by_a_string(shared_dir: Path) -> None:
    with_nan = sample_text(shared_dir, ORR_SAMPLE).replace(ORR_FIRST_TITLE, "NaN", 1)
    fixed = with_nan.replace("NaN", '"Architecture diagram"')
    lens = lens_import(text=fixed).lens

    assert lens_export(lens=lens).document == json.loads(fixed)


def test_the_export_puts_keys_in_the_order_of_the_published_files() -> None:
    lens = lens_import(text=as_text(a_lens(_version="1.0"))).lens

    document = lens_export(lens=lens).document

    assert list(document) == ["schemaVersion", "name", "description", "_version", "pillars"]
    assert list(document["pillars"][0]["questions"][0]) == ["id", "title", "description", "choices", "riskRules"]


def test_the_export_leaves_out_optional_keys_the_file_did_not_have() -> None:
    bare = {"id": "practice_a", "title": "A practice"}
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=[bare], rules=[a_rule("default", "NO_RISK")])])])
    lens = lens_import(text=as_text(document)).lens

    assert lens_export(lens=lens).document["pillars"][0]["questions"][0]["choices"] == [bare]


def test_an_unknown_key_in_a_helpful_resource_is_kept_for_export_with_a_warning() -> None:
    resource = {"displayText": "Read this.", "Url": "https://example.com/guide"}
    document = a_lens(pillars=[a_pillar(questions=[a_question(helpfulResource=resource)])])
    result = lens_import(text=as_text(document))

    assert result.warnings == [
        "pillars[0].questions[0].helpfulResource.Url: unknown key, kept for export but not shown; did you mean 'url'?"
    ]
    assert lens_export(lens=result.lens).document["pillars"][0]["questions"][0]["helpfulResource"] == resource


def test_the_export_warns_where_a_field_exceeds_the_stricter_aws_limit() -> None:
    long_title = "x" * 200
    choices = [a_choice("practice_a", title=long_title), a_choice("practice_b")]
    lens = lens_import(text=as_text(a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])]))).lens

    assert lens_export(lens=lens).warnings == [
        "pillars[0].questions[0].choices[0].title: is 200 characters; AWS allows at most 128"
    ]


# What an import writes


def test_import_writes_a_draft_lens_with_one_focus_area_per_pillar_holding_its_questions() -> None:
    document = a_lens(pillars=[a_pillar("reliability"), a_pillar("security", questions=[a_question("sec_1")])])

    lens = lens_import(text=as_text(document)).lens

    assert (lens.slug, lens.version, lens.status) == ("tiny-lens", 1, Lens.Status.DRAFT)
    areas = FocusArea.objects.filter(pillar__lens=lens).order_by("order")
    assert [(area.code, area.name, area.order) for area in areas] == [
        ("reliability", "Reliability", 0),
        ("security", "Security", 1),
    ]
    assert [question.focus_area.code for question in Question.objects.filter(pillar__lens=lens)] == [
        "reliability",
        "security",
    ]


def test_import_maps_choices_resources_and_rules_onto_the_model() -> None:
    resources = [{"type": "HELPFUL_RESOURCE", "content": [{"displayText": "Docs", "url": "https://example.com"}]}]
    choices = [
        a_choice(
            "practice_a",
            description="Why it matters.",
            helpfulResource={"displayText": "Help.", "url": "https://example.com/help"},
            additionalResources=resources,
            _owner="team-a",
        ),
        {"id": "rel_1_no", "title": "None of these"},
    ]
    rules = [a_rule("rel_1_no || !practice_a", "HIGH_RISK"), a_rule("default", "NO_RISK")]
    lens_import(text=as_text(a_lens(pillars=[a_pillar(questions=[a_question(choices=choices, rules=rules)])])))

    practice, none = Choice.objects.order_by("order")
    assert (practice.description, practice.helpful_resource_url, practice.improvement_text) == (
        "Why it matters.",
        "https://example.com/help",
        "Start small.",
    )
    assert (practice.additional_resources, practice.extra, practice.is_none) == (resources, {"_owner": "team-a"}, False)
    assert (none.is_none, none.improvement_text) == (True, "")
    assert [(rule.order, rule.condition, rule.risk) for rule in RiskRule.objects.order_by("order")] == [
        (0, "rel_1_no || !practice_a", "HIGH_RISK"),
        (1, "default", "NO_RISK"),
    ]


def test_unknown_top_level_and_pillar_keys_are_kept_in_extra() -> None:
    teams = {"_authors": [{"name": "A. Author"}]}

    lens = lens_import(text=as_text(a_lens(_version="1.0", _teams=teams, pillars=[a_pillar(_note="n")]))).lens

    assert lens.extra == {"_version": "1.0", "_teams": teams}
    assert Pillar.objects.get(lens=lens).extra == {"_note": "n"}


def test_the_slug_defaults_to_the_slugified_name() -> None:
    assert lens_import(text=as_text(a_lens(name="Amazon S3 Well-Architected Lens"))).lens.slug == (
        "amazon-s3-well-architected-lens"
    )


def test_a_given_slug_is_used_instead_of_the_name() -> None:
    assert lens_import(text=as_text(a_lens()), slug="storage").lens.slug == "storage"


def test_reimporting_a_lens_creates_version_2_as_a_draft() -> None:
    lens_import(text=as_text(a_lens()))

    lens = lens_import(text=as_text(a_lens())).lens

    assert (lens.slug, lens.version, lens.status) == ("tiny-lens", 2, Lens.Status.DRAFT)
    assert Question.objects.filter(pillar__lens=lens).count() == 1


def test_choice_ids_reused_across_questions_import_fine() -> None:
    questions = [a_question("rel_1"), a_question("rel_2")]

    result = lens_import(text=as_text(a_lens(pillars=[a_pillar(questions=questions)])))

    assert result.created_counts["choices"] == 4
    assert list(Choice.objects.filter(code="practice_a").values_list("question__code", flat=True)) == [
        "rel_1",
        "rel_2",
    ]


def test_a_question_without_a_default_rule_imports_with_a_warning() -> None:
    rules = [a_rule("!practice_a", "HIGH_RISK"), a_rule("practice_a", "NO_RISK")]

    result = lens_import(text=as_text(a_lens(pillars=[a_pillar(questions=[a_question(rules=rules)])])))

    assert result.warnings == [
        "pillars[0].questions[0].riskRules: no 'default' rule; when no rule matches, the risk is high"
    ]
    assert RiskRule.objects.count() == 2


# Query counts


def test_importing_a_lens_takes_a_fixed_number_of_queries(django_assert_num_queries) -> None:
    # Savepoint, the next version number, one INSERT per table (lens, pillars, focus areas, questions,
    # choices, risk rules), the audit entry, release.
    with django_assert_num_queries(10):
        lens_import(text=as_text(a_lens()))


def test_the_largest_sample_takes_as_many_queries_as_a_tiny_lens_but_for_insert_batches(shared_dir: Path) -> None:
    """On PostgreSQL the counts are equal; Django's SQLite backend splits an INSERT past 999 parameters."""
    _, tiny = counted_import(as_text(a_lens()))
    result, largest = counted_import(sample_text(shared_dir, LARGEST_SAMPLE))

    batches = {model: insert_batches(model, result.created_counts[name]) for model, name in TABLES.items()}
    assert largest == tiny + sum(count - 1 for count in batches.values())


def test_exporting_takes_six_queries_whatever_the_lens_size(shared_dir: Path, django_assert_num_queries) -> None:
    tiny = lens_import(text=as_text(a_lens())).lens
    largest = lens_import(text=sample_text(shared_dir, LARGEST_SAMPLE)).lens

    for lens in (tiny, largest):
        # The profile's questions, the pillars, questions, choices, checks and rules.
        with django_assert_num_queries(6):
            lens_export(lens=lens)


# Refused files: every message names where, and nothing is written


def test_malformed_json_is_refused_with_its_line_and_column() -> None:
    assert refused('{\n  "name": "Lens",\n  "pillars": [}\n}') == [
        "line 3, column 15: not valid JSON (Expecting value)"
    ]


def test_nan_where_a_question_title_belongs_is_refused_naming_nan_and_its_line(shared_dir: Path) -> None:
    text = sample_text(shared_dir, ORR_SAMPLE).replace(ORR_FIRST_TITLE, "NaN", 1)

    assert refused(text) == ["line 12, column 30: NaN is not valid JSON"]


def test_infinity_is_refused_like_nan() -> None:
    assert refused('{"name": "Lens",\n "limit": -Infinity}') == ["line 2, column 11: -Infinity is not valid JSON"]


def test_nan_inside_a_string_is_only_text() -> None:
    result = lens_import(text=as_text(a_lens(name="NaN lens")))

    assert result.lens.name == "NaN lens"


def test_a_wrong_schema_version_is_refused() -> None:
    assert refused(as_text(a_lens(schemaVersion="2020-01-01"))) == [
        'schemaVersion: must be "2021-11-01", got "2020-01-01"'
    ]


def test_a_title_that_is_a_number_is_refused() -> None:
    document = a_lens(pillars=[a_pillar(questions=[a_question(title=42)])])

    assert refused(as_text(document)) == ["pillars[0].questions[0].title: must be a string, got number"]


def test_a_title_that_is_null_is_refused() -> None:
    document = a_lens(pillars=[a_pillar(questions=[a_question(title=None)])])

    assert refused(as_text(document)) == ["pillars[0].questions[0].title: must be a string, got null"]


def test_duplicate_question_ids_in_different_pillars_are_refused() -> None:
    document = a_lens(pillars=[a_pillar("reliability"), a_pillar("security")])

    assert refused(as_text(document)) == [
        "pillars[1].questions[0].id: duplicate question id 'rel_1', first used at pillars[0].questions[0]"
    ]


def test_duplicate_choice_ids_in_one_question_are_refused() -> None:
    choices = [a_choice("practice_a"), a_choice("practice_b"), a_choice("practice_a")]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])])

    assert refused(as_text(document)) == [
        "pillars[0].questions[0].choices[2].id: duplicate choice id 'practice_a', "
        "first used at pillars[0].questions[0].choices[0]"
    ]


def test_duplicate_pillar_ids_are_refused() -> None:
    document = a_lens(pillars=[a_pillar(), a_pillar(questions=[a_question("rel_2")])])

    assert refused(as_text(document)) == ["pillars[1].id: duplicate pillar id 'reliability', first used at pillars[0]"]


def test_a_rule_naming_a_missing_choice_is_refused_with_its_json_path() -> None:
    rules = [a_rule("!practice_a", "HIGH_RISK"), a_rule("practice_a && practice_x", "MEDIUM_RISK")]
    document = a_lens(pillars=[a_pillar(questions=[a_question(rules=rules)])])

    assert refused(as_text(document)) == [
        "pillars[0].questions[0].riskRules[1].condition: unknown choice 'practice_x' at column 15"
    ]


def test_a_malformed_condition_is_refused_with_its_column() -> None:
    rules = [a_rule("(practice_a || practice_b", "HIGH_RISK"), a_rule("default", "NO_RISK")]
    document = a_lens(pillars=[a_pillar(questions=[a_question(rules=rules)])])

    assert refused(as_text(document)) == ["pillars[0].questions[0].riskRules[0].condition: unclosed '(' at column 1"]


def test_a_risk_that_is_not_one_of_the_three_is_refused() -> None:
    rules = [a_rule("!practice_a", "LOW_RISK"), a_rule("default", "NO_RISK")]
    document = a_lens(pillars=[a_pillar(questions=[a_question(rules=rules)])])

    assert refused(as_text(document)) == [
        "pillars[0].questions[0].riskRules[0].risk: unknown risk 'LOW_RISK' (expected HIGH_RISK, MEDIUM_RISK, NO_RISK)"
    ]


def test_an_id_with_a_hyphen_is_refused() -> None:
    document = a_lens(pillars=[a_pillar(questions=[a_question("REL-01")])])

    assert refused(as_text(document)) == [
        "pillars[0].questions[0].id: 'REL-01' is not a valid id (letters, digits and _ only)"
    ]


def test_a_url_that_is_not_http_is_refused() -> None:
    choices = [a_choice("practice_a", improvementPlan={"displayText": "Read.", "url": "ftp://example.com/x"})]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices, rules=[])])])

    assert refused(as_text(document)) == [
        "pillars[0].questions[0].choices[0].improvementPlan.url: 'ftp://example.com/x' is not an http(s) URL"
    ]


def test_a_text_longer_than_wareview_stores_is_refused() -> None:
    assert refused(as_text(a_lens(name="n" * 201))) == ["name: is 201 characters; wareview stores at most 200"]


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert refused("[]") == ["document: must be an object, got array"]


def test_every_problem_is_reported_not_just_the_first() -> None:
    question = a_question(title=None, choices=[a_choice("bad-id")], rules=[a_rule("default", "SOME_RISK")])
    document = a_lens(schemaVersion="1", pillars=[a_pillar(questions=[question])])

    assert refused(as_text(document)) == [
        'schemaVersion: must be "2021-11-01", got "1"',
        "pillars[0].questions[0].title: must be a string, got null",
        "pillars[0].questions[0].choices[0].id: 'bad-id' is not a valid id (letters, digits and _ only)",
        "pillars[0].questions[0].riskRules[0].risk: unknown risk 'SOME_RISK' (expected HIGH_RISK, MEDIUM_RISK, "
        "NO_RISK)",
    ]


# Parsing and validation alone


def test_parsing_bytes_accepts_a_utf8_byte_order_mark() -> None:
    assert lens_parse(text=b'\xef\xbb\xbf{"name": "Lentille \xc3\xa9t\xc3\xa9"}') == {"name": "Lentille été"}


def test_parsing_bytes_that_are_not_utf8_says_where() -> None:
    with pytest.raises(LensFileError, match=r"^byte 10: not UTF-8 text"):
        lens_parse(text=b'{"name": "\xe9t\xe9"}')


def test_validation_warns_past_the_aws_counts_but_finds_no_error() -> None:
    choices = [a_choice(f"practice_{n}") for n in range(16)]
    rules = [a_rule("practice_0", "NO_RISK")] * 3 + [a_rule("default", "HIGH_RISK")]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices, rules=rules)])])

    result = lens_validate(document=document)

    assert result.errors == []
    assert result.warnings == [
        "pillars[0].questions[0].choices: has 16 items; AWS allows at most 15",
        "pillars[0].questions[0].riskRules: has 4 items; AWS allows at most 3",
    ]


def test_validation_warns_when_a_practice_has_no_improvement_plan() -> None:
    choices = [{"id": "practice_a", "title": "A practice"}, {"id": "rel_1_no", "title": "None of these"}]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices, rules=[a_rule("default", "NO_RISK")])])])

    assert lens_validate(document=document).warnings == [
        "pillars[0].questions[0].choices[0]: no improvementPlan; AWS requires one except on the choice whose id "
        "ends in _no"
    ]


# Empty URLs and NUL characters


def with_empty_urls(document: dict) -> dict:
    """The first question's helpfulResource and its first choice's helpfulResource and improvementPlan, url ""."""
    question = document["pillars"][0]["questions"][0]
    question.setdefault("helpfulResource", {"displayText": "Help."})["url"] = ""
    choice = question["choices"][0]
    choice.setdefault("helpfulResource", {"displayText": "More."})["url"] = ""
    choice.setdefault("improvementPlan", {"displayText": "Improve."})["url"] = ""
    return document


def test_a_real_lens_file_with_empty_urls_imports_with_a_warning_naming_each_one(shared_dir: Path) -> None:
    document = with_empty_urls(json.loads(sample_text(shared_dir, ORR_SAMPLE)))

    result = lens_import(text=as_text(document))

    question = Question.objects.get(pillar__lens=result.lens, code=document["pillars"][0]["questions"][0]["id"])
    choice = question.choices.order_by("order").first()
    assert (question.helpful_resource_url, choice.helpful_resource_url, choice.improvement_url) == ("", "", "")
    where = "pillars[0].questions[0]"
    assert {
        f"{where}.helpfulResource.url: empty URL, treated as absent",
        f"{where}.choices[0].helpfulResource.url: empty URL, treated as absent",
        f"{where}.choices[0].improvementPlan.url: empty URL, treated as absent",
    } <= set(result.warnings)


def test_an_empty_url_is_left_out_of_the_export() -> None:
    choice = a_choice("practice_a", improvementPlan={"displayText": "Start small.", "url": ""})
    question = a_question(choices=[choice, a_choice("practice_b")])
    lens = lens_import(text=as_text(a_lens(pillars=[a_pillar(questions=[question])]))).lens

    exported = lens_export(lens=lens).document["pillars"][0]["questions"][0]["choices"][0]

    assert exported["improvementPlan"] == {"displayText": "Start small."}


def test_a_javascript_url_is_still_refused() -> None:
    choices = [a_choice("practice_a", improvementPlan={"displayText": "Read.", "url": "javascript:alert(1)"})]
    choices.append(a_choice("practice_b"))

    errors = refused(as_text(a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])])))

    assert errors == [
        "pillars[0].questions[0].choices[0].improvementPlan.url: 'javascript:alert(1)' is not an http(s) URL"
    ]


def test_a_blank_url_that_is_not_empty_is_still_refused() -> None:
    question = a_question(helpfulResource={"displayText": "Help.", "url": " "})

    errors = refused(as_text(a_lens(pillars=[a_pillar(questions=[question])])))

    assert errors == ["pillars[0].questions[0].helpfulResource.url: ' ' is not an http(s) URL"]


def test_a_nul_character_anywhere_is_refused_with_its_json_path_and_nothing_is_written() -> None:
    choice = a_choice("practice_a", description="Bad\u0000byte", extraKey={"nested": ["ok", "\u0000"]})
    question = a_question(choices=[choice, a_choice("practice_b")], title="How\u0000?")
    document = a_lens(pillars=[a_pillar(questions=[question])], name="Tiny\u0000lens")

    errors = refused(as_text(document))

    nul = "contains a NUL character (\\u0000), which the database cannot store"
    assert [error for error in errors if "NUL" in error] == [
        f"name: {nul}",
        f"pillars[0].questions[0].title: {nul}",
        f"pillars[0].questions[0].choices[0].description: {nul}",
        f"pillars[0].questions[0].choices[0].extraKey.nested[1]: {nul}",
    ]


def test_a_nul_character_in_a_key_is_refused_with_its_json_path() -> None:
    document = a_lens(**{"_note\u0000": "kept keys go to jsonb, which has no NUL either"})

    errors = refused(as_text(document))

    assert errors == ["_note\\u0000: this key contains a NUL character (\\u0000), which the database cannot store"]


def test_a_lone_surrogate_in_a_value_or_a_key_is_refused_with_its_json_path() -> None:
    # JSON's \ud800 escape parses to a string no database can store as text.
    question = a_question(title="How \ud800?")
    document = a_lens(pillars=[a_pillar(questions=[question])], **{"_note\udfff": "kept keys go to jsonb"})

    errors = refused(as_text(document))

    surrogate = "contains a lone surrogate (an escape such as \\ud800 without its pair), which is not valid text"
    assert [error for error in errors if "surrogate" in error] == [
        f"_note\\udfff: this key {surrogate}",
        f"pillars[0].questions[0].title: {surrogate}",
    ]


# wareview's own facts about a best practice: the "wareview" key of a choice

VERIFY = "Open the load-test report of the last release: does it name the instance types it compared?"


def test_verification_effort_and_impact_round_trip_under_the_wareview_key() -> None:
    facts = {"verification": VERIFY, "effort": "small", "impact": "high", "_reviewer": "A. Author"}
    choices = [
        a_choice("practice_a", wareview=facts),
        a_choice("practice_b", wareview={"effort": "large"}),
        {"id": "rel_1_no", "title": "None of these"},
    ]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])])

    result = lens_import(text=as_text(document))

    first, second, none = Choice.objects.filter(question__pillar__lens=result.lens).order_by("order")
    assert (first.verification, first.effort, first.impact) == (VERIFY, "small", "high")
    assert first.extra == {"wareview": {"_reviewer": "A. Author"}}
    assert (second.verification, second.effort, second.impact, second.extra) == ("", "large", "", {})
    assert (none.verification, none.effort, none.impact) == ("", "", "")
    assert result.warnings == [
        "pillars[0].questions[0].choices[0].wareview._reviewer: unknown key, kept for export but not shown"
    ]
    assert lens_export(lens=result.lens).document == document


def test_a_sample_without_the_wareview_key_imports_with_the_fields_blank_and_exports_without_it(
    shared_dir: Path,
) -> None:
    text = sample_text(shared_dir, LARGEST_SAMPLE)

    lens = lens_import(text=text).lens

    choices = Choice.objects.filter(question__pillar__lens=lens)
    assert choices.exists()
    assert not choices.exclude(verification="", effort="", impact="").exists()
    exported = lens_export(lens=lens).document
    assert exported == json.loads(text)
    assert not any("wareview" in c for p in exported["pillars"] for q in p["questions"] for c in q["choices"])


def test_a_bad_effort_impact_or_verification_is_refused_with_its_json_path_and_nothing_is_written() -> None:
    choices = [
        a_choice("practice_a", wareview={"verification": 42, "effort": "huge", "impact": "Medium"}),
        a_choice("practice_b", wareview={"impact": 1}),
        a_choice("practice_c", wareview="small"),
    ]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices)])])

    where = "pillars[0].questions[0].choices"
    assert refused(as_text(document)) == [
        f"{where}[0].wareview.verification: must be a string, got number",
        f"{where}[0].wareview.effort: 'huge' is not one of small, medium, large",
        f"{where}[0].wareview.impact: 'Medium' is not one of high, medium, low",
        f"{where}[1].wareview.impact: must be a string, got number",
        f"{where}[2].wareview: must be an object, got string",
    ]


def test_a_blank_effort_or_impact_in_a_file_means_the_lens_does_not_say() -> None:
    choices = [a_choice("practice_a", wareview={"verification": VERIFY, "effort": "", "impact": ""})]
    document = a_lens(pillars=[a_pillar(questions=[a_question(choices=choices, rules=[])])])

    lens = lens_import(text=as_text(document)).lens

    choice = Choice.objects.get(question__pillar__lens=lens)
    assert (choice.verification, choice.effort, choice.impact) == (VERIFY, "", "")
    assert lens_export(lens=lens).document["pillars"][0]["questions"][0]["choices"][0]["wareview"] == {
        "verification": VERIFY
    }


# The upgrade mapping: "replaces" under the "wareview" key of a question and of a choice


def test_the_upgrade_mapping_round_trips_under_the_wareview_key_of_questions_and_choices() -> None:
    choices = [
        a_choice("practice_a", wareview={"replaces": ["rel_1/old_a", "rel_2/old_b"], "effort": "small"}),
        a_choice("practice_b"),
    ]
    question = a_question(choices=choices, wareview={"replaces": ["rel_1", "rel_2"], "_why": "merged"})
    document = a_lens(pillars=[a_pillar(questions=[question, a_question("rel_3")])])

    result = lens_import(text=as_text(document))

    merged, plain = Question.objects.filter(pillar__lens=result.lens).order_by("order")
    assert (merged.replaces, merged.extra) == (["rel_1", "rel_2"], {"wareview": {"_why": "merged"}})
    assert plain.replaces == []
    first, second = merged.choices.order_by("order")
    assert (first.replaces, first.effort, second.replaces) == (["rel_1/old_a", "rel_2/old_b"], "small", [])
    assert result.warnings == ["pillars[0].questions[0].wareview._why: unknown key, kept for export but not shown"]
    assert lens_export(lens=result.lens).document == document


def test_a_malformed_upgrade_mapping_is_refused_with_its_json_path_and_nothing_is_written() -> None:
    choices = [
        a_choice("practice_a", wareview={"replaces": ["old_a"]}),
        a_choice("practice_b", wareview={"replaces": "rel_1/old_b"}),
    ]
    question = a_question(choices=choices, wareview={"replaces": ["rel 1", 7, "rel_2", "rel_2"]})
    document = a_lens(pillars=[a_pillar(questions=[question])])

    where = "pillars[0].questions[0]"
    assert refused(as_text(document)) == [
        f"{where}.wareview.replaces[0]: 'rel 1' is not a question code (no spaces or '/', at most 128 characters)",
        f"{where}.wareview.replaces[1]: must be a string, got number",
        f"{where}.wareview.replaces[3]: 'rel_2' is listed twice",
        f"{where}.choices[0].wareview.replaces[0]: 'old_a' is not \"<old question code>/<old choice code>\"",
        f"{where}.choices[1].wareview.replaces: must be a list of "
        '"<old question code>/<old choice code>" strings, got string',
    ]
