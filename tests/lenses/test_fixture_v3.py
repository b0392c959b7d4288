"""Performance Efficiency v3: its rules follow the written policy, its profile conditions name real facts, its
links and principle tags are spread as promised, its prose is ours, the coverage doc agrees with it, and its
mapping names what v2 has.

The policy (docs/performance-efficiency-coverage.md, "The rule policy (v3)"): each question's basics are listed
in the doc's v3 question table, as measurements or protections, whatever their impact. "None of these", or any
basic missing, is high risk; with every basic, more than a third of the other practices (rounded to the nearest
whole number) missing is medium; otherwise no risk. A practice marked "does not apply" counts as ticked, so the
rules see it as selected. The rule tests read the fixture and the doc and evaluate with `wareview.lenses.risk`
directly.
"""

import itertools
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.lenses.test_fixture_v2 import PRODUCT_NAMES, fields_of, questions, rows, runs
from wareview.lenses.models import Choice, Lens, ProfileQuestion, Question
from wareview.lenses.risk import HIGH_RISK, MEDIUM_RISK, NO_RISK, RuleError, check_condition, evaluate
from wareview.lib.practice_scales import EFFORT_LABELS, IMPACT_LABELS

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
V2, V3 = FIXTURES / "performance_efficiency_v2.json", FIXTURES / "performance_efficiency_v3.json"
DOC = Path(settings.BASE_DIR) / "docs" / "performance-efficiency-coverage.md"
SEED = Path("seed") / "000_12ebc4ca4144decb.txt"
SLUG = "performance-efficiency"
COPIED_RUN = 8
MAX_DOMAIN_SHARE = 0.20
MAX_TAG_SHARE = 0.40
# The kinds of source a link may come from, by the host that serves it. A host not listed fails the tests: give
# it a kind first.
KINDS = {
    "provider": ("docs.aws.amazon.com", "aws.amazon.com", "learn.microsoft.com", "cloud.google.com"),
    "standard": ("www.rfc-editor.org", "www.w3.org", "html.spec.whatwg.org", "www.tpc.org", "www.spec.org"),
    "web guide": ("web.dev", "developer.mozilla.org"),
    "open-source docs": (
        "kubernetes.io",
        "www.postgresql.org",
        "www.pgbouncer.org",
        "prometheus.io",
        "opentelemetry.io",
        "grafana.com",
        "go.dev",
        "docs.kernel.org",
        "www.kernel.org",
        "fio.readthedocs.io",
        "pytest-benchmark.readthedocs.io",
        "github.com",
        "keda.sh",
        "kafka.apache.org",
        "parquet.apache.org",
        "grpc.io",
        "nginx.org",
        "www.envoyproxy.io",
        "endoflife.date",
        "docs.nvidia.com",
    ),
    "book or paper": (
        "sre.google",
        "research.google",
        "www.usenix.org",
        "dl.acm.org",
        "martinfowler.com",
        "www.brendangregg.com",
        "use-the-index-luke.com",
        "www.finops.org",
        "adr.github.io",
        "principlesofchaos.org",
        "dora.dev",
        "www.learningfromincidents.io",
        "12factor.net",
    ),
}
KIND_OF = {host: kind for kind, hosts in KINDS.items() for host in hosts}

V3_QUESTIONS = questions(V3)
DOC_TEXT = DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The doc from a heading to the next heading of the same or a higher level."""
    level = "#" * (len(title) - len(title.lstrip("#")))
    start = DOC_TEXT.index(f"\n{title}\n")
    found = re.search(rf"\n#{{1,{len(level)}}} ", DOC_TEXT[start + 1 :])
    return DOC_TEXT[start : start + 1 + found.start()] if found else DOC_TEXT[start:]


def flat(text: str) -> str:
    return " ".join(text.split())


def table(text: str) -> list[list[str]]:
    """The body rows of the first Markdown table in `text`, as lists of cells."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def codes_in(cell: str) -> list[str]:
    """Practice codes in a cell of the question table, without the facts of "(when `…`)"."""
    return re.findall(r"`(\w+)`", re.sub(r"\(when `[^`]*`\)", "", cell))


def doc_questions() -> dict[str, dict]:
    """The v3 question table: each question's basics (measurement, protection), others and tolerance."""
    found = {}
    for code, _, _, measurement, protection, others in table(section("## Questions (v3)")):
        count, tolerance = re.match(r"(\d+), up to (\d+) missing", others).groups()
        prefix = f"perf{code[-2:]}_"
        found[code] = {
            "basics": {prefix + c for c in codes_in(measurement) + codes_in(protection)},
            "others": {prefix + c for c in codes_in(others)},
            "count": int(count),
            "tolerance": int(tolerance),
        }
    return found


DOC_QUESTIONS = doc_questions()


def practices(question: dict) -> list[dict]:
    return [choice for choice in question["choices"] if not choice["is_none"]]


def all_practices() -> list[dict]:
    return [practice for question in V3_QUESTIONS for practice in practices(question)]


def none_code(question: dict) -> str:
    return next(choice["code"] for choice in question["choices"] if choice["is_none"])


def basics(question: dict) -> set[str]:
    return DOC_QUESTIONS[question["code"]]["basics"]


def others(question: dict) -> set[str]:
    return {practice["code"] for practice in practices(question)} - basics(question)


def tolerance(question: dict) -> int:
    """How many other practices may be missing for no risk: a third of them, to the nearest whole number."""
    return round(len(others(question)) / 3)


def policy(question: dict, selected: set[str]) -> str:
    """The written policy, independent of the rules it checks."""
    if none_code(question) in selected or not basics(question) <= selected:
        return HIGH_RISK
    missing = others(question) - selected
    return MEDIUM_RISK if len(missing) > tolerance(question) else NO_RISK


def selections(question: dict):
    codes = [practice["code"] for practice in practices(question)]
    for size in range(len(codes) + 1):
        yield from (frozenset(subset) for subset in itertools.combinations(codes, size))
    yield frozenset({none_code(question)})


def by_question(test):
    return pytest.mark.parametrize("question", V3_QUESTIONS, ids=[q["code"] for q in V3_QUESTIONS])(test)


def links_of(row: dict) -> list[str]:
    found = [row[key] for key in ("improvement_url", "helpful_resource_url") if row.get(key)]
    return found + [link["url"] for group in row.get("additional_resources", []) for link in group["content"]]


def all_links() -> list[str]:
    return [url for model in ("question", "choice") for row in fields_of(V3, model) for url in links_of(row)]


def profile_facts() -> set[str]:
    facts = set()
    for question in fields_of(V3, "profilequestion"):
        facts |= {option["code"] for option in question["options"]} if question["options"] else {question["code"]}
    return facts


# The rule policy, over every selection of every question


def test_the_doc_lists_every_practice_of_every_question_once_as_a_basic_or_another_practice():
    assert set(DOC_QUESTIONS) == {question["code"] for question in V3_QUESTIONS}
    for question in V3_QUESTIONS:
        listed = DOC_QUESTIONS[question["code"]]
        assert not listed["basics"] & listed["others"], question["code"]
        assert listed["basics"] | listed["others"] == {p["code"] for p in practices(question)}, question["code"]
        assert listed["count"] == len(listed["others"]) and listed["tolerance"] == round(len(listed["others"]) / 3)


@by_question
def test_the_rules_give_exactly_the_policy_for_every_selection(question):
    wrong = [
        (sorted(selected), evaluate(question["rules"], selected), policy(question, selected))
        for selected in selections(question)
        if evaluate(question["rules"], selected) != policy(question, selected)
    ]

    assert wrong == []


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
def test_each_question_has_one_to_three_basics_at_least_four_others_and_all_three_risk_levels(question):
    every = {practice["code"] for practice in practices(question)}

    assert 1 <= len(basics(question)) <= 3 and len(others(question)) >= 4
    assert evaluate(question["rules"], basics(question)) == MEDIUM_RISK
    assert evaluate(question["rules"], every) == NO_RISK
    assert evaluate(question["rules"], {none_code(question)}) == HIGH_RISK
    assert [risk for _, risk in question["rules"]] == [HIGH_RISK, MEDIUM_RISK, NO_RISK]


def test_the_tolerance_grows_with_the_question_so_no_question_needs_more_than_three_quarters_of_its_others():
    needed = {q["code"]: 1 - tolerance(q) / len(others(q)) for q in V3_QUESTIONS}

    assert max(needed.values()) <= 0.75, needed
    assert min(needed.values()) >= 0.6, needed


def test_impact_does_not_decide_the_basics():
    basic_codes = {code for question in V3_QUESTIONS for code in basics(question)}
    high_impact = {practice["code"] for practice in all_practices() if practice["impact"] == "high"}

    assert high_impact - basic_codes, "every practice of impact high is a basic: the policy would be v2's"


# Profile, always_applies and applies_when


def test_the_profile_has_six_to_ten_questions_each_yes_or_no_or_a_choice_of_two_or_more():
    profile = fields_of(V3, "profilequestion")

    assert 6 <= len(profile) <= 10
    for question in profile:
        assert question["title"].endswith("?") and question["description"], question["code"]
        options = question["options"]
        assert options == [] or (len(options) >= 2 and all(set(o) == {"code", "label"} for o in options))
    codes = [q["code"] for q in profile] + [o["code"] for q in profile for o in q["options"]]
    assert len(codes) == len(set(codes))


def test_every_applies_when_and_first_when_parses_and_names_only_facts_of_the_profile():
    facts = profile_facts()
    conditions = [(p["code"], p["applies_when"]) for p in all_practices() if p["applies_when"]]
    conditions += [(q["code"], q["first_when"]) for q in V3_QUESTIONS if q["first_when"]]
    wrong = []
    for where, condition in conditions:
        try:
            check_condition(condition, facts)
        except RuleError as error:
            wrong.append((where, error.message))

    assert wrong == []
    assert len(conditions) >= 20


def test_every_profile_fact_decides_something():
    named = set()
    for condition in [p["applies_when"] for p in all_practices()] + [q["first_when"] for q in V3_QUESTIONS]:
        named |= set(re.findall(r"\w+", condition))

    assert profile_facts() - named <= {"load_steady"}


def test_always_applies_is_only_on_basics_and_never_with_a_condition():
    basic_codes = {code for question in V3_QUESTIONS for code in basics(question)}
    always = {practice["code"] for practice in all_practices() if practice["always_applies"]}

    assert always and always <= basic_codes
    assert [p["code"] for p in all_practices() if p["always_applies"] and p["applies_when"]] == []
    assert {"perf01_requirements", "perf16_timeouts", "perf10_percentiles"} <= always


# Content


@by_question
def test_every_practice_says_how_to_verify_it_its_effort_impact_and_one_to_three_principles(question):
    for practice in practices(question):
        where = practice["code"]
        assert len(practice["title"]) <= 128 and practice["description"].strip(), where
        assert practice["improvement_text"].strip() and practice["verification"].strip().endswith(("?", ".")), where
        assert practice["effort"] in EFFORT_LABELS and practice["impact"] in IMPACT_LABELS, where
        assert 1 <= len(practice["principles"]) <= 3, where
    last = question["choices"][-1]
    assert last["is_none"] and last["code"] == f"perf{question['code'][-2:]}_no"


def test_no_principle_tags_more_than_forty_percent_of_the_practices_and_each_is_used():
    found = all_practices()
    tags = Counter(principle[3] for practice in found for principle in practice["principles"])

    assert max(tags.values()) <= MAX_TAG_SHARE * len(found), tags.most_common(3)
    assert set(tags) == {principle["code"] for principle in fields_of(V3, "designprinciple")}


def test_every_practice_has_two_distinct_links_from_two_kinds_of_source():
    unknown = {urlsplit(url).hostname for url in all_links()} - set(KIND_OF)
    weak = [
        practice["code"]
        for practice in all_practices()
        if len(set(links_of(practice))) < 2 or len({KIND_OF[urlsplit(u).hostname] for u in links_of(practice)}) < 2
    ]

    assert unknown == set()
    assert weak == []


def test_no_domain_holds_more_than_a_fifth_of_the_links_and_every_link_is_https():
    found = all_links()
    hosts = Counter(urlsplit(url).hostname for url in found)

    assert max(hosts.values()) <= MAX_DOMAIN_SHARE * len(found), hosts.most_common(3)
    assert all(url.startswith("https://") for url in found)


def test_no_question_or_practice_names_one_providers_products_or_concepts():
    texts = [
        (row.get("code", ""), row[key])
        for model in ("pillar", "designprinciple", "focusarea", "question", "choice", "profilequestion")
        for row in fields_of(V3, model)
        for key in ("name", "title", "description", "improvement_text", "verification")
        if row.get(key)
    ]

    assert [(code, match.group()) for code, text in texts for match in PRODUCT_NAMES.finditer(text)] == []


def test_no_text_repeats_eight_consecutive_words_of_the_seed_document(shared_dir):
    seed_runs = runs((shared_dir / SEED).read_text(encoding="utf-8"), COPIED_RUN)
    texts = [
        row[key]
        for row in (r["fields"] for r in rows(V3))
        for key in ("name", "title", "description", "improvement_text", "verification", "helpful_resource_text")
        if isinstance(row.get(key), str)
    ]

    assert len(texts) > 500
    assert [text[:60] for text in texts if runs(text, COPIED_RUN) & seed_runs] == []


def test_the_missing_topics_of_v2_are_practices_of_v3():
    codes = {practice["code"] for practice in all_practices()}

    assert {
        "perf17_stateless",
        "perf17_modular",
        "perf07_team_learning",
        "perf03_predictive_scaling",
        "perf17_scale_units",
        "perf19_tuned_from_metrics",
        "perf18_field_data",
        "perf02_cold_starts",
        "perf01_standard_benchmarks",
        "perf06_replicas_near_users",
    } <= codes
    assert not {"perf13_connections", "perf08_thresholds", "perf02_function_sizing", "perf05_managed"} & codes


def test_the_effort_and_impact_the_review_questioned_are_recalibrated():
    found = {practice["code"]: practice for practice in all_practices()}

    assert found["perf11_hit_ratio"]["impact"] != "high"
    assert found["perf19_network_timing"]["impact"] != "high"
    assert found["perf12_tradeoff_measured"]["effort"] != "small"
    assert found["perf09_passive_monitoring"]["effort"] != "small"
    assert found["perf06_region_near_users"]["effort"] == "large"
    assert found["perf01_requirements"]["effort"] != "small"


def test_the_verifications_that_only_asked_a_question_now_name_what_to_read():
    old = {row["code"]: row["verification"] for row in fields_of(V2, "choice")}
    new = {practice["code"]: practice["verification"] for practice in all_practices()}
    renamed = {"perf06_placement": "perf19_placement"}

    for code in (
        "perf05_search",
        "perf16_priority",
        "perf16_degradation",
        "perf06_placement",
        "perf11_cache_candidates",
    ):
        verification = new[renamed.get(code, code)]
        assert verification != old[code] and not verification.startswith("Ask "), code


# The coverage doc agrees with the fixture


def test_every_practice_code_the_v3_sections_name_exists_in_v3_or_in_v2():
    v3_codes = {practice["code"] for practice in all_practices()}
    v2_codes = {row["code"] for row in fields_of(V2, "choice")}
    text = DOC_TEXT[: DOC_TEXT.index("\n## The rule policy (v2)\n")]
    named = set(re.findall(r"`(perf\d\d_\w+)`", text))
    short = set()
    for part in ("## Coverage against AWS, Azure and Google (v3)",):
        question = ""
        for token in re.findall(r"PERF_\d\d|`\w+`", section(part)):
            if token.startswith("PERF_"):
                question = token
            elif question and not token.startswith("`perf"):
                short.add(f"perf{question[-2:]}_{token.strip('`')}")

    assert named - v3_codes - v2_codes == set()
    assert short - v3_codes == set()


@pytest.mark.parametrize(
    ("heading", "total", "summary"), [("### AWS", 32, "AWS"), ("### Azure", 12, "Azure"), ("### Google", 15, "Google")]
)
def test_the_coverage_counts_match_the_tables(heading, total, summary):
    title = next(line for line in DOC_TEXT.splitlines() if line.startswith(heading))
    found = table(section(title))
    statuses = Counter(row[-1].split()[0] for row in found)

    assert len(found) == total
    assert set(statuses) <= {"covered", "partial", "missing"}
    stated = f"{summary}: {statuses['covered']} covered, {statuses['partial']} partial, {statuses['missing']} missing"
    assert stated in flat(section(title))


def test_the_counts_in_the_doc_are_those_of_the_fixture():
    counts = flat(section("## Counts (v3)"))
    found = all_practices()
    basic_codes = {code for question in V3_QUESTIONS for code in basics(question)}
    tags = Counter(principle[3] for practice in found for principle in practice["principles"])
    links = all_links()
    hosts = Counter(urlsplit(url).hostname for url in links)

    assert f"{len(V3_QUESTIONS)} questions" in counts and f"{len(found)} best practices" in counts
    assert f"{len(fields_of(V3, 'riskrule'))} risk rules" in counts
    profile = fields_of(V3, "profilequestion")
    assert f"{len(profile)} profile questions giving {len(profile_facts())} facts" in counts
    always = sum(practice["always_applies"] for practice in found)
    situational_basics = sum(bool(p["applies_when"]) for p in found if p["code"] in basic_codes)
    assert f"Basics: {len(basic_codes)} ({always} `always_applies`, {situational_basics} situational" in counts
    assert f"{sum(bool(p['applies_when']) for p in found)} practices carry `applies_when`" in counts
    assert f"{sum(p['replaces_needs_all'] for p in found)} carry `replaces_needs_all`" in counts
    assert all(f"`{tag}` {count}" in counts for tag, count in tags.items())
    assert f"{len(fields_of(V3, 'practicecheck'))} practice checks" in counts
    assert f"Links: {len(links)}" in counts
    host, top = hosts.most_common(1)[0]
    assert f"`{host}` {top} ({round(100 * top / len(links))} %)" in counts


# The upgrade mapping from v2


def test_every_replaces_entry_names_a_question_or_choice_that_v2_has():
    old = {q["code"]: {c["code"] for c in q["choices"]} for q in questions(V2)}

    for question in V3_QUESTIONS:
        assert set(question["replaces"]) <= set(old), question["code"]
        for choice in question["choices"]:
            for entry in choice["replaces"]:
                old_question, _, old_choice = entry.partition("/")
                assert old_choice in old[old_question], entry


def test_every_v2_practice_reaches_a_v3_practice_but_the_one_the_doc_lists_as_dropped():
    v2 = {(q["code"], c["code"]) for q in questions(V2) for c in practices(q)}
    carried = set()
    for question in V3_QUESTIONS:
        for choice in practices(question):
            entries = [tuple(e.split("/")) for e in choice["replaces"]] or [(question["code"], choice["code"])]
            carried |= set(entries)
    dropped = {
        (f"PERF_{code[4:6]}", code)
        for row in table(section("## Upgrading a v2 review (the v2 → v3 mapping)"))
        if row[-1].startswith("dropped")
        for code in re.findall(r"`(perf\w+)`", row[0])
    }

    assert v2 - carried == dropped == {("PERF_06", "perf06_network_requirements")}


def test_a_practice_that_needs_all_it_replaces_replaces_two_or_more():
    strict = [p for p in all_practices() if p["replaces_needs_all"]]

    assert len(strict) == 4
    assert all(len(p["replaces"]) >= 2 for p in strict)


# Loading, checking and exporting


@pytest.mark.django_db
def test_all_three_versions_load_side_by_side_repeatably_and_check_clean(capsys):
    files = [str(FIXTURES / name) for name in ("performance_efficiency.json", V2.name, V3.name)]
    call_command("load_question_sets", *files, verbosity=0)
    counts = (Lens.objects.count(), Question.objects.count(), Choice.objects.count())
    call_command("load_question_sets", *files, verbosity=0)
    capsys.readouterr()

    call_command("check_lenses")

    assert (Lens.objects.count(), Question.objects.count(), Choice.objects.count()) == counts
    assert counts == (3, 12 + 16 + 19, 84 + 125 + 128 + 19)
    v3 = Lens.objects.get(slug=SLUG, version=3)
    assert v3.is_published and ProfileQuestion.objects.filter(lens=v3).count() == 9
    assert Choice.objects.get(question__pillar__lens=v3, code="perf14_pools").replaces_needs_all
    assert capsys.readouterr().out.strip().endswith("3 lens(es) checked, no problems.")


@pytest.mark.django_db
def test_v3_exports_as_a_valid_lens_file():
    from wareview.lenses.interchange import lens_export, lens_validate

    call_command("load_question_sets", str(V3), verbosity=0)
    exported = lens_export(lens=Lens.objects.get(slug=SLUG, version=3))

    assert lens_validate(document=exported.document).errors == []


def test_every_check_of_v2_is_kept_on_a_v3_practice_that_takes_over_its_practice():
    def check(row: dict) -> tuple:
        return (row["tool"], row["rule"], row["test"])

    successors: dict[str, set[str]] = {}
    for question in V3_QUESTIONS:
        for choice in practices(question):
            for entry in choice["replaces"] or [f"{question['code']}/{choice['code']}"]:
                successors.setdefault(entry.partition("/")[2], set()).add(choice["code"])
    v3_checks = {(row["choice"][3], check(row)) for row in fields_of(V3, "practicecheck")}

    for row in fields_of(V2, "practicecheck"):
        assert any((code, check(row)) in v3_checks for code in successors[row["choice"][3]]), row
