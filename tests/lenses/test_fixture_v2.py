"""Performance Efficiency v2: it loads beside v1, is complete, its rules follow the stated policy, its links are
not one provider's, its prose is ours, and its upgrade mapping names what v1 has and loses none of v1's practices.

The policy (docs/performance-efficiency-coverage.md): a question's basics are exactly its practices of impact
"high". "None of these", or any basic missing, is high risk; with every basic, two or more other practices
missing is medium risk; otherwise no risk. A practice marked "does not apply" counts as ticked, so the rules see
it as selected. The rule tests read the fixture file and evaluate with `wareview.lenses.risk` directly: every
selection of every question is checked in well under a second, with no database.
"""

import itertools
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from wareview.lenses.mapping import practice_sources, questions_taken_over
from wareview.lenses.models import Choice, Lens, Question
from wareview.lenses.risk import HIGH_RISK, MEDIUM_RISK, NO_RISK, evaluate
from wareview.lib.practice_scales import EFFORT_LABELS, IMPACT_LABELS

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
V1, V2 = FIXTURES / "performance_efficiency.json", FIXTURES / "performance_efficiency_v2.json"
SEED = Path("seed") / "000_12ebc4ca4144decb.txt"
SLUG = "performance-efficiency"
COPIED_RUN = 8
# Providers whose documentation the links may point at, by the domains each one serves its pages from.
PROVIDERS = {
    "Amazon": ("amazon.com",),
    "Microsoft": ("microsoft.com",),
    "Google": ("google.com", "sre.google", "web.dev"),
    "Oracle": ("oracle.com",),
    "IBM": ("ibm.com",),
}
# One provider's product names have no place in the questions and practices (resource labels may name them).
PRODUCT_NAMES = re.compile(
    r"\b(AWS|Amazon|EC2|S3|Lambda|CloudFront|Route ?53|DynamoDB|Redshift|Glacier|Aurora|RDS|ElastiCache|"
    r"Kinesis|SQS|EBS|EFS|CloudWatch|Azure|GCP|BigQuery|CPU credits?|placement groups?|enhanced networking|"
    r"key prefix(es)?)\b",
    re.IGNORECASE,
)


def rows(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def fields_of(path: Path, model: str) -> list[dict]:
    return [row["fields"] for row in rows(path) if row["model"] == f"lenses.{model}"]


def questions(path: Path) -> list[dict]:
    """Each question's fields with its choices and rules, in lens order."""
    found = sorted(fields_of(path, "question"), key=lambda question: question["order"])
    for question in found:
        question["choices"] = sorted(
            (c for c in fields_of(path, "choice") if c["question"][2] == question["code"]), key=lambda c: c["order"]
        )
        question["rules"] = [
            (rule["condition"], rule["risk"])
            for rule in sorted(fields_of(path, "riskrule"), key=lambda rule: rule["order"])
            if rule["question"][2] == question["code"]
        ]
    return found


V2_QUESTIONS = questions(V2)


def practices(question: dict) -> list[dict]:
    return [choice for choice in question["choices"] if not choice["is_none"]]


def none_code(question: dict) -> str:
    return next(choice["code"] for choice in question["choices"] if choice["is_none"])


def basics(question: dict) -> set[str]:
    return {practice["code"] for practice in practices(question) if practice["impact"] == "high"}


def policy(question: dict, selected: set[str]) -> str:
    """The stated rule policy, written independently of the rules it checks."""
    if none_code(question) in selected or not basics(question) <= selected:
        return HIGH_RISK
    missing = {practice["code"] for practice in practices(question)} - selected
    return MEDIUM_RISK if len(missing) >= 2 else NO_RISK


def selections(question: dict):
    """Every selection a person can make: each subset of the practices, and "None of these" alone."""
    codes = [practice["code"] for practice in practices(question)]
    for size in range(len(codes) + 1):
        for subset in itertools.combinations(codes, size):
            yield frozenset(subset)
    yield frozenset({none_code(question)})


def by_question(test):
    return pytest.mark.parametrize("question", V2_QUESTIONS, ids=[q["code"] for q in V2_QUESTIONS])(test)


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def runs(text: str, length: int) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


def links() -> list[str]:
    return [
        row[key]
        for model in ("question", "choice")
        for row in fields_of(V2, model)
        for key in ("helpful_resource_url", "improvement_url")
        if row.get(key)
    ]


# The content


def test_v2_has_sixteen_questions_and_between_85_and_110_practices():
    count = sum(len(practices(question)) for question in V2_QUESTIONS)

    assert len(V2_QUESTIONS) == 16
    assert 85 <= count <= 110, count


def test_questions_that_continue_v1_keep_its_codes_and_new_questions_take_new_ones():
    v1_codes = [question["code"] for question in fields_of(V1, "question")]
    v2_codes = [question["code"] for question in V2_QUESTIONS]

    assert set(v1_codes) < set(v2_codes)
    assert sorted(set(v2_codes) - set(v1_codes)) == ["PERF_13", "PERF_14", "PERF_15", "PERF_16"]
    assert sorted(v2_codes) == [f"PERF_{n:02}" for n in range(1, 17)]


def test_selection_holds_architecture_compute_storage_database_and_network_and_code_stands_apart():
    areas = fields_of(V2, "focusarea")
    top = [area["code"] for area in sorted(areas, key=lambda a: a["order"]) if area["parent"] is None]
    selection = [area["code"] for area in sorted(areas, key=lambda a: a["order"]) if area["parent"]]

    assert top == ["selection", "code", "review", "monitoring", "tradeoffs"]
    assert selection == ["architecture", "compute", "storage", "database", "network"]
    leaves = {area["code"] for area in areas} - {"selection"}
    assert {question["focus_area"][3] for question in V2_QUESTIONS} == leaves


@by_question
def test_every_question_has_guidance_a_resource_and_one_final_none_choice(question):
    assert len(question["title"]) <= 128 and question["title"].endswith("?")
    assert 0 < len(question["description"]) <= 1000
    assert question["helpful_resource_text"] and question["helpful_resource_url"].startswith("https://")
    assert len(practices(question)) >= 3 and len(question["choices"]) <= 15
    prefix = f"perf{question['code'][-2:]}_"
    assert all(re.fullmatch(rf"{prefix}\w{{2,56}}", choice["code"]) for choice in question["choices"])
    last = question["choices"][-1]
    assert last["is_none"] and last["code"] == f"{prefix}no" and last["title"] == "None of these"
    assert not last["improvement_text"] and not last["principles"] and not last["effort"] and not last["impact"]
    assert [choice["is_none"] for choice in question["choices"]].count(True) == 1


@by_question
def test_every_practice_says_how_to_verify_it_its_effort_impact_principles_and_link(question):
    for practice in practices(question):
        where = practice["code"]
        assert len(practice["title"]) <= 128, where
        assert practice["description"].strip() and practice["improvement_text"].strip(), where
        assert practice["verification"].strip().endswith(("?", ".")), where
        assert practice["effort"] in EFFORT_LABELS and practice["impact"] in IMPACT_LABELS, where
        assert 1 <= len(practice["principles"]) <= 3, where
        assert practice["improvement_url"].startswith("https://"), where


def test_no_question_or_practice_names_one_providers_products_or_concepts():
    texts = [
        (row.get("code", ""), row[key])
        for model in ("lens", "pillar", "designprinciple", "focusarea", "question", "choice")
        for row in fields_of(V2, model)
        for key in ("name", "title", "description", "improvement_text", "verification")
        if row.get(key)
    ]

    assert [(code, match.group()) for code, text in texts for match in PRODUCT_NAMES.finditer(text)] == []


def test_at_most_half_of_the_links_point_at_any_one_provider_or_site():
    found = links()
    hosts = Counter(urlsplit(url).hostname or "" for url in found)
    per_provider = {
        provider: sum(count for host, count in hosts.items() if host.endswith(domains))
        for provider, domains in PROVIDERS.items()
    }

    assert len(found) >= 100
    assert max(per_provider.values()) * 2 <= len(found), per_provider
    assert max(hosts.values()) * 2 <= len(found), hosts.most_common(3)
    assert all(url.startswith("https://") for url in found)


def test_no_text_repeats_eight_consecutive_words_of_the_seed_document(shared_dir):
    seed_runs = runs((shared_dir / SEED).read_text(encoding="utf-8"), COPIED_RUN)
    texts = [
        row[key]
        for row in (r["fields"] for r in rows(V2))
        for key in ("name", "title", "description", "improvement_text", "verification", "helpful_resource_text")
        if isinstance(row.get(key), str)
    ]

    copied = [(text[:60], sorted(runs(text, COPIED_RUN) & seed_runs)) for text in texts]

    assert len(texts) > 400
    assert [entry for entry in copied if entry[1]] == []


# The rule policy, over every selection of every question


@by_question
def test_the_rules_give_exactly_the_policy_for_every_selection(question):
    wrong = [
        (sorted(selected), evaluate(question["rules"], selected), policy(question, selected))
        for selected in selections(question)
        if evaluate(question["rules"], selected) != policy(question, selected)
    ]

    assert wrong == []


@by_question
def test_each_question_has_one_to_three_basics_and_at_least_two_other_practices(question):
    assert 1 <= len(basics(question)) <= 3
    assert len(practices(question)) - len(basics(question)) >= 2


@by_question
def test_ticking_one_more_practice_never_raises_the_risk(question):
    order = {HIGH_RISK: 2, MEDIUM_RISK: 1, NO_RISK: 0}
    codes = {practice["code"] for practice in practices(question)}
    raised = [
        (sorted(selected), added)
        for selected in selections(question)
        if none_code(question) not in selected
        for added in codes - selected
        if order[evaluate(question["rules"], selected | {added})] > order[evaluate(question["rules"], selected)]
    ]

    assert raised == []


@by_question
def test_none_alone_nothing_at_all_and_any_basic_missing_are_high_risk(question):
    every = {practice["code"] for practice in practices(question)}

    assert evaluate(question["rules"], {none_code(question)}) == HIGH_RISK
    assert evaluate(question["rules"], set()) == HIGH_RISK
    for basic in basics(question):
        assert evaluate(question["rules"], every - {basic}) == HIGH_RISK, basic


@by_question
def test_every_practice_is_no_risk_and_so_is_leaving_out_any_one_non_basic(question):
    every = {practice["code"] for practice in practices(question)}

    assert evaluate(question["rules"], every) == NO_RISK
    for other in every - basics(question):
        assert evaluate(question["rules"], every - {other}) == NO_RISK, other


@by_question
def test_the_basics_alone_are_medium_risk_and_all_three_levels_are_reachable(question):
    reached = {evaluate(question["rules"], selected) for selected in selections(question)}

    assert evaluate(question["rules"], basics(question)) == MEDIUM_RISK
    assert reached == {HIGH_RISK, MEDIUM_RISK, NO_RISK}
    assert [risk for _, risk in question["rules"]] == [HIGH_RISK, MEDIUM_RISK, NO_RISK]
    assert question["rules"][-1][0] == "default"


def test_at_least_half_the_questions_offer_a_quick_win():
    """A quick win is a practice of high impact for small effort: the plan lists them first."""
    quick = {q["code"] for q in V2_QUESTIONS for p in practices(q) if p["impact"] == "high" and p["effort"] == "small"}

    assert len(quick) >= len(V2_QUESTIONS) // 2


# The upgrade mapping from v1


def v1_practices() -> dict[str, set[str]]:
    return {
        question["code"]: {choice["code"] for choice in question["choices"] if not choice["is_none"]}
        for question in questions(V1)
    }


def test_every_replaces_entry_names_a_question_or_choice_that_v1_has():
    old = v1_practices()
    none_choices = {question["code"]: none_code(question) for question in questions(V1)}

    for question in V2_QUESTIONS:
        assert set(question["replaces"]) <= set(old), question["code"]
        for choice in question["choices"]:
            for entry in choice["replaces"]:
                old_question, _, old_choice = entry.partition("/")
                assert old_choice in old[old_question] | {none_choices[old_question]}, entry


def test_every_v1_practice_carries_over_to_some_v2_practice():
    from wareview.lenses.mapping import OldQuestion

    previous = {
        question["code"]: OldQuestion(
            choices=frozenset(choice["code"] for choice in question["choices"]),
            none_choices=frozenset({none_code(question)}),
        )
        for question in questions(V1)
    }
    carried = set()
    for question in V2_QUESTIONS:
        taken_over = questions_taken_over(code=question["code"], replaces=question["replaces"])
        for choice in practices(question):
            sources = practice_sources(
                code=choice["code"],
                is_none=False,
                replaces=choice["replaces"],
                taken_over=taken_over,
                previous=previous,
            )
            carried |= {f"{old_question}/{old_choice}" for old_question, old_choice in sources}

    expected = {f"{question}/{code}" for question, codes in v1_practices().items() for code in codes}
    assert expected - carried == set()
    assert len(expected) == 72


def test_new_questions_take_over_no_v1_question_only_the_practices_moved_to_them():
    old = set(v1_practices())
    new = [question for question in V2_QUESTIONS if question["code"] not in old]
    moved = {c["code"]: c["replaces"] for question in new for c in question["choices"] if c["replaces"]}

    assert [question["replaces"] for question in new] == [[], [], [], []]
    assert moved == {"perf14_load_balancer_fit": ["PERF_06/perf06_load_balancer_fit"]}


# Loading, checking and exporting


@pytest.mark.django_db
def test_both_versions_load_side_by_side_repeatably_and_check_clean(capsys):
    call_command("load_question_sets", str(V1), str(V2), verbosity=0)
    counts = (Lens.objects.count(), Question.objects.count(), Choice.objects.count())
    call_command("load_question_sets", str(V1), str(V2), verbosity=0)
    capsys.readouterr()

    call_command("check_lenses")

    assert (Lens.objects.count(), Question.objects.count(), Choice.objects.count()) == counts
    assert counts == (2, 12 + 16, 84 + 109 + 16)
    v2 = Lens.objects.get(slug=SLUG, version=2)
    assert v2.is_published
    assert capsys.readouterr().out.strip().endswith("2 lens(es) checked, no problems.")


@pytest.mark.django_db
def test_v2_exports_as_a_valid_lens_file_that_keeps_the_practice_facts_and_mapping():
    from wareview.lenses.interchange import lens_export, lens_validate

    call_command("load_question_sets", str(V2), verbosity=0)
    exported = lens_export(lens=Lens.objects.get(slug=SLUG, version=2))

    assert lens_validate(document=exported.document).errors == []
    first = exported.document["pillars"][0]["questions"][0]["choices"][0]
    assert first["id"] == "perf01_requirements"
    assert first["wareview"]["impact"] == "high" and first["wareview"]["effort"] == "small"
    assert first["wareview"]["replaces"] == ["PERF_01/perf01_requirements", "PERF_07/perf07_kpis"]
