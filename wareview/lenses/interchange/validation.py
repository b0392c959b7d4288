"""Checking a parsed lens file whole: every error (refuse it) and warning (import anyway), with its path."""

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.db.models import Field, Model

from wareview.lenses.conditions import (
    applicability_problem,
    check_profile_condition,
    code_problem,
    option_problems,
    question_facts,
)
from wareview.lenses.interchange.spec import (
    AWS_CHOICES,
    AWS_DISPLAY_TEXT,
    AWS_ID_MIN,
    AWS_PILLARS,
    AWS_QUESTIONS,
    AWS_RESOURCES_PER_TYPE,
    AWS_RULES,
    AWS_TEXT,
    CHECK_FIELDS,
    ID_PATTERN,
    LENS_OWN_FIELDS,
    PRACTICE_FIELDS,
    PRACTICE_KEY,
    PROFILE_QUESTION_FIELDS,
    QUESTION_OWN_FIELDS,
    RESOURCE_FIELDS,
    RESOURCE_KEYS,
    RESOURCE_TYPES,
    SCHEMA_VERSION,
)
from wareview.lenses.mapping import replaces_format_problems
from wareview.lenses.models import Choice, Lens, Pillar, PracticeCheck, ProfileQuestion, Question, RiskRule
from wareview.lenses.risk import DEFAULT, RuleError, check_condition, check_risk
from wareview.lib.practice_scales import EFFORT_LABELS, IMPACT_LABELS

NUL = "\x00"

# How messages name the type of a value that is not what the format wants.
JSON_TYPES = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
}


@dataclass
class ValidationResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")


def lens_validate(*, document: object) -> ValidationResult:
    """Every error (refuse the file) and warning (import anyway) in a parsed lens file, each with its path."""
    result = ValidationResult()
    if not _is_object(document, "document", result):
        return result
    _check_storable_text(result, document)
    version = _text(result, document, "schemaVersion", "")
    if version is not None and version != SCHEMA_VERSION:
        result.error("schemaVersion", f'must be "{SCHEMA_VERSION}", got "{version}"')
    _text(result, document, "name", "", aws=AWS_TEXT["lens name"], db=max_length(Lens, "name"), blank=False)
    _text(result, document, "description", "", aws=AWS_TEXT["lens description"])
    facts = _check_profile(result, document)
    pillar_paths: dict[str, str] = {}
    question_paths: dict[str, str] = {}
    for i, pillar in enumerate(_items(result, document, "pillars", "", aws_max=AWS_PILLARS)):
        _check_pillar(result, pillar, f"pillars[{i}]", pillar_paths, question_paths, facts)
    return result


def _check_profile(result: ValidationResult, document: dict) -> frozenset[str]:
    """The workload profile's questions under the lens's "wareview" key (wareview.lenses.conditions): each well
    formed, codes unique; returns the facts they give, each given once in the lens."""
    where = PRACTICE_KEY
    if PRACTICE_KEY not in document or not _is_object(document[PRACTICE_KEY], where, result):
        return frozenset()
    own = document[PRACTICE_KEY]
    question_paths: dict[str, str] = {}
    fact_paths: dict[str, str] = {}
    for index, question in enumerate(_items(result, own, "profile", where, required=False, empty=True)):
        path = f"{where}.profile[{index}]"
        for fact, fact_path in _check_profile_question(result, question, path, question_paths):
            if fact in fact_paths:
                result.error(fact_path, f"the profile fact '{fact}' is already given at {fact_paths[fact]}")
            fact_paths.setdefault(fact, fact_path)
    _warn_unknown_keys(result, own, where, LENS_OWN_FIELDS)
    return frozenset(fact_paths)


def _check_profile_question(
    result: ValidationResult, question: object, path: str, question_paths: dict[str, str]
) -> list[tuple[str, str]]:
    """Check one profile question; return the facts it gives with where each is written (none when it is not
    well formed)."""
    if not _is_object(question, path, result):
        return []
    for unknown in [key for key in question if key not in PROFILE_QUESTION_FIELDS]:
        result.error(
            f"{path}.{unknown}", 'unknown key; a profile question has "code", "title", "description", "options"'
        )
    code = _profile_code(result, question, path, question_paths)
    _text(result, question, "title", path, db=max_length(ProfileQuestion, "title"), blank=False)
    _text(result, question, "description", path, required=False)
    options = question.get("options", [])
    problems = option_problems(options) if "options" in question else []
    for index, message in problems:
        result.error(f"{path}.options{index}", message)
    if problems or code is None:
        return []
    if not options:
        return [(code, f"{path}.code")]
    return [(fact, f"{path}.options[{i}].code") for i, fact in enumerate(question_facts(code, options))]


def _profile_code(result: ValidationResult, question: dict, path: str, question_paths: dict[str, str]) -> str | None:
    """The profile question's code if it is well formed and not used before; `question_paths` maps codes to where
    they were first used."""
    code = question.get("code")
    problem = code_problem(code) if "code" in question else "required but missing"
    if problem is None and isinstance(code, str):  # code_problem finds none only in a string
        if code not in question_paths:
            question_paths[code] = path
            return code
        problem = f"duplicate profile question code '{code}', first used at {question_paths[code]}"
    result.error(f"{path}.code", str(problem))
    return None


def _check_storable_text(result: ValidationResult, document: dict) -> None:
    r"""Each string or key the database cannot store is an error: PostgreSQL stores no NUL character (\u0000)
    in text or jsonb, and no text that is not valid Unicode (a lone surrogate such as \ud800, which JSON's
    escapes allow)."""
    pending: list[tuple[str, object]] = [("", document)]
    while pending:  # a loop, not recursion: the document may be nested as deeply as the parser allows
        path, value = pending.pop()
        if isinstance(value, str) and (problem := _unstorable(value)):
            result.error(path, problem)
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                where = _printable(f"{path}.{key}" if path else key)
                if problem := _unstorable(key):
                    result.error(where, f"this key {problem}")
                children.append((where, item))
            pending.extend(reversed(children))  # popped in document order
        elif isinstance(value, list):
            pending.extend(reversed([(f"{path}[{index}]", item) for index, item in enumerate(value)]))


def _unstorable(text: str) -> str | None:
    """Why the database cannot store `text`, or None."""
    if NUL in text:
        return "contains a NUL character (\\u0000), which the database cannot store"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (an escape such as \\ud800 without its pair), which is not valid text"
    return None


def _printable(path: str) -> str:
    """A JSON path as it can be shown: NUL characters and lone surrogates written as escapes."""
    return path.replace(NUL, "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _check_pillar(
    result: ValidationResult, pillar: object, path: str, pillar_paths: dict, question_paths: dict, facts: frozenset[str]
) -> None:
    if not _is_object(pillar, path, result):
        return
    code = _id(result, pillar, path, seen=pillar_paths, noun="pillar")
    if code is not None and len(code) < AWS_ID_MIN:
        result.warn(f"{path}.id", f"AWS needs a pillar id of {AWS_ID_MIN} to 128 characters")
    _text(result, pillar, "name", path, aws=AWS_TEXT["name"], db=max_length(Pillar, "name"), blank=False)
    for j, question in enumerate(_items(result, pillar, "questions", path, aws_max=AWS_QUESTIONS)):
        _check_question(result, question, f"{path}.questions[{j}]", question_paths, facts)


def _check_question(
    result: ValidationResult, question: object, path: str, question_paths: dict, facts: frozenset[str]
) -> None:
    if not _is_object(question, path, result):
        return
    # The database keeps question codes unique per pillar; answers and reports need them unique in the lens.
    _id(result, question, path, seen=question_paths, noun="question")
    _text(result, question, "title", path, aws=AWS_TEXT["title"], db=max_length(Question, "title"), blank=False)
    _text(result, question, "description", path, aws=AWS_TEXT["description"])
    _check_resource(result, question, "helpfulResource", path)
    _check_own_keys(result, question, path, QUESTION_OWN_FIELDS, facts=facts)
    choice_paths: dict[str, str] = {}
    for k, choice in enumerate(_items(result, question, "choices", path, aws_max=AWS_CHOICES)):
        _check_choice(result, choice, f"{path}.choices[{k}]", choice_paths, facts)
    _check_rules(result, question, path, choice_codes=choice_paths.keys())


def _check_choice(
    result: ValidationResult, choice: object, path: str, choice_paths: dict, facts: frozenset[str]
) -> None:
    if not _is_object(choice, path, result):
        return
    code = _id(result, choice, path, seen=choice_paths, noun="choice")
    _text(result, choice, "title", path, aws=AWS_TEXT["title"], db=max_length(Choice, "title"), blank=False)
    _text(result, choice, "description", path, aws=AWS_TEXT["description"], required=False)
    for key in RESOURCE_KEYS:
        _check_resource(result, choice, key, path)
    if "improvementPlan" not in choice and code is not None and not code.endswith("_no"):
        result.warn(path, "no improvementPlan; AWS requires one except on the choice whose id ends in _no")
    _check_additional_resources(result, choice, path)
    # The importer makes a choice whose id ends in _no "None of these".
    is_none = code is not None and code.endswith("_no")
    _check_own_keys(result, choice, path, PRACTICE_FIELDS, facts=facts, of_choice=True, is_none=is_none)


def _check_resource(result: ValidationResult, owner: dict, key: str, path: str) -> None:
    where = f"{path}.{key}"
    if key not in owner or not _is_object(owner[key], where, result):
        return
    resource = owner[key]
    if resource.get("url") == "":
        # Published lens files often carry an empty url; it stores and exports as no link at all.
        result.warn(f"{where}.url", "empty URL, treated as absent")
        resource = {name: value for name, value in resource.items() if name != "url"}
    _check_link(result, resource, where)
    _warn_unknown_keys(result, resource, where, RESOURCE_FIELDS)


def _check_own_keys(
    result: ValidationResult,
    owner: dict,
    path: str,
    known_keys: tuple[str, ...],
    *,
    facts: frozenset[str],
    of_choice: bool = False,
    is_none: bool = False,
) -> None:
    """wareview's own keys (absent from AWS files), each optional. On a choice, the facts about a best practice:
    how to verify it is followed, its effort and its impact, the last two from their scales or blank. On a
    question and a choice, the upgrade mapping (`replaces`), well formed. The conditions over the workload
    profile (a choice's `applies_when`, a question's `first_when`) name only the lens's profile `facts`."""
    where = f"{path}.{PRACTICE_KEY}"
    if PRACTICE_KEY not in owner or not _is_object(owner[PRACTICE_KEY], where, result):
        return
    own = owner[PRACTICE_KEY]
    if of_choice:
        _text(result, own, "verification", where, required=False)
        for key, scale in (("effort", EFFORT_LABELS), ("impact", IMPACT_LABELS)):
            value = _text(result, own, key, where, required=False)
            if value and value not in scale:
                result.error(f"{where}.{key}", f"{value!r} is not one of {', '.join(scale)}")
    if "replaces" in own:
        for index, message in replaces_format_problems(own["replaces"], of_choice=of_choice):
            result.error(f"{where}.replaces{index}", message)
    if of_choice:
        _check_checks(result, own, where)
        _check_applicability(result, own, where, facts, is_none=is_none)
    else:
        _condition(result, own, "first_when", where, facts)
    _warn_unknown_keys(result, own, where, known_keys)


def _check_applicability(
    result: ValidationResult, own: dict, path: str, facts: frozenset[str], *, is_none: bool
) -> None:
    """A practice's `applies_when` (a condition over the profile's facts), `always_applies` and
    `replaces_needs_all` (true or false); never a condition on a practice that always applies, neither on "None of
    these"."""
    applies_when = _condition(result, own, "applies_when", path, facts)
    always_applies = _flag(result, own, "always_applies", path)
    _flag(result, own, "replaces_needs_all", path)
    problem = applicability_problem(always_applies=always_applies, applies_when=applies_when or "", is_none=is_none)
    if problem:
        result.error(path, problem)


def _condition(result: ValidationResult, owner: dict, key: str, path: str, facts: frozenset[str]) -> str | None:
    """A condition over the workload profile's facts, or None when it is absent or not usable."""
    condition = _text(result, owner, key, path, required=False, db=max_length(Choice, "applies_when"))
    if condition is not None:
        try:
            check_profile_condition(condition, facts)
        except RuleError as error:
            result.error(f"{path}.{key}", error.message)
            return None
    return condition


def _flag(result: ValidationResult, owner: dict, key: str, path: str) -> bool:
    value = owner.get(key, False)
    if not isinstance(value, bool):
        result.error(f"{path}.{key}", f"must be true or false, got {_json_type(value)}")
    return value is True


def _check_checks(result: ValidationResult, own: dict, path: str) -> None:
    """The practice's checks: each a tool and either a rule (a scanner's rule id) or a test (a name or a glob),
    none twice."""
    seen: dict[tuple, str] = {}
    for index, check in enumerate(_items(result, own, "checks", path, required=False, empty=True)):
        where = f"{path}.checks[{index}]"
        if not _is_object(check, where, result):
            continue
        for unknown in [key for key in check if key not in CHECK_FIELDS]:
            result.error(f"{where}.{unknown}", 'unknown key; a check has "tool" and "rule" or "test"')
        tool = _text(result, check, "tool", where, blank=False, db=max_length(PracticeCheck, "tool"))
        given = [key for key in ("rule", "test") if key in check]
        if len(given) != 1:
            result.error(where, 'give either "rule" (a rule id) or "test" (a test name or glob), not both or neither')
            continue
        (key,) = given
        name = _text(result, check, key, where, blank=False, db=max_length(PracticeCheck, key))
        if tool is None or name is None:
            continue
        identity = (tool, key, name)
        if identity in seen:
            result.error(where, f"the same check as {seen[identity]}")
        seen.setdefault(identity, where)


def _warn_unknown_keys(result: ValidationResult, owner: dict, path: str, known_keys: tuple[str, ...]) -> None:
    for unknown in [key for key in owner if key not in known_keys]:
        meant = next((known for known in known_keys if known.lower() == unknown.lower()), None)
        hint = f"; did you mean '{meant}'?" if meant else ""
        result.warn(f"{path}.{unknown}", f"unknown key, kept for export but not shown{hint}")


def _check_link(result: ValidationResult, link: dict, path: str) -> None:
    """A {"displayText", "url"} pair, as in helpfulResource, improvementPlan and additionalResources."""
    _text(result, link, "displayText", path, aws=AWS_DISPLAY_TEXT)
    url = _text(result, link, "url", path, required=False, db=max_length(Choice, "improvement_url"))
    if url is not None and not url.lower().startswith(("http://", "https://")):
        result.error(f"{path}.url", f"{url!r} is not an http(s) URL")


def _check_additional_resources(result: ValidationResult, choice: dict, path: str) -> None:
    where = f"{path}.additionalResources"
    per_type: Counter[str | None] = Counter()  # None: a group whose type is missing or not a string
    groups = _items(result, choice, "additionalResources", path, required=False, empty=True)
    for g, group in enumerate(groups):
        group_path = f"{where}[{g}]"
        if not _is_object(group, group_path, result):
            continue
        kind = _text(result, group, "type", group_path)
        if kind is not None and kind not in RESOURCE_TYPES:
            result.error(f"{group_path}.type", f"{kind!r} is not one of {', '.join(RESOURCE_TYPES)}")
        content = _items(result, group, "content", group_path)
        per_type[kind] += len(content)
        for c, link in enumerate(content):
            if _is_object(link, f"{group_path}.content[{c}]", result):
                _check_link(result, link, f"{group_path}.content[{c}]")
    for kind, count in per_type.items():
        if kind in RESOURCE_TYPES and count > AWS_RESOURCES_PER_TYPE:
            result.warn(where, f"{count} {kind} resources; AWS allows at most {AWS_RESOURCES_PER_TYPE}")


def _check_rules(result: ValidationResult, question: dict, path: str, choice_codes: Collection[str]) -> None:
    conditions = []
    for r, rule in enumerate(_items(result, question, "riskRules", path, empty=True, aws_max=AWS_RULES)):
        rule_path = f"{path}.riskRules[{r}]"
        if not _is_object(rule, rule_path, result):
            continue
        condition = _text(result, rule, "condition", rule_path, db=max_length(RiskRule, "condition"))
        if condition is not None:
            conditions.append(condition)
            _check_rule_part(result, f"{rule_path}.condition", check_condition, condition, choice_codes)
        risk = _text(result, rule, "risk", rule_path)
        if risk is not None:
            _check_rule_part(result, f"{rule_path}.risk", check_risk, risk)
    if isinstance(question.get("riskRules"), list) and not any(c.strip() == DEFAULT for c in conditions):
        result.warn(f"{path}.riskRules", f"no '{DEFAULT}' rule; when no rule matches, the risk is high")


def _check_rule_part(result: ValidationResult, path: str, check: Callable[..., None], *arguments: object) -> None:
    try:
        check(*arguments)
    except RuleError as error:
        result.error(path, error.message)


# Validation helpers: each reports what is wrong with one key and returns its value when usable, else None.


def _is_object(value: object, path: str, result: ValidationResult) -> TypeGuard[dict[str, Any]]:
    # `value` comes first: a TypeGuard narrows the first argument, which callers then use as an object.
    if not isinstance(value, dict):
        result.error(path, f"must be an object, got {_json_type(value)}")
    return isinstance(value, dict)


def _text(
    result: ValidationResult,
    owner: dict,
    key: str,
    path: str,
    *,
    required: bool = True,
    blank: bool = True,
    aws: int | None = None,
    db: int | None = None,
) -> str | None:
    where = f"{path}.{key}" if path else key
    value = owner.get(key)
    if key not in owner:
        if required:
            result.error(where, "required but missing")
    elif not isinstance(value, str):
        result.error(where, f"must be a string, got {_json_type(value)}")
    elif not blank and not value.strip():
        result.error(where, "must not be empty")
    elif db is not None and len(value) > db:
        result.error(where, f"is {len(value)} characters; wareview stores at most {db}")
    elif aws is not None and len(value) > aws:
        result.warn(where, f"is {len(value)} characters; AWS allows at most {aws}")
    return value if isinstance(value, str) else None


def _id(result: ValidationResult, owner: dict, path: str, *, seen: dict[str, str], noun: str) -> str | None:
    """The object's id if it is well-formed and not seen before; `seen` maps ids to where they first were."""
    code = _text(result, owner, "id", path, db=max_length(Question, "code"))
    if code is None:
        return None
    if not ID_PATTERN.fullmatch(code):
        result.error(f"{path}.id", f"{code!r} is not a valid id (letters, digits and _ only)")
    elif code in seen:
        result.error(f"{path}.id", f"duplicate {noun} id '{code}', first used at {seen[code]}")
    else:
        seen[code] = path
        return code
    return None


def _items(
    result: ValidationResult,
    owner: dict,
    key: str,
    path: str,
    *,
    required: bool = True,
    empty: bool = False,
    aws_max: int | None = None,
) -> list:
    """The array under `key`, or [] when it is missing or not an array."""
    where = f"{path}.{key}" if path else key
    items = owner.get(key)
    if key not in owner:
        if required:
            result.error(where, "required but missing")
        return []
    if not isinstance(items, list):
        result.error(where, f"must be an array, got {_json_type(items)}")
        return []
    if not empty and not items:
        result.error(where, "must not be empty")
    if aws_max is not None and len(items) > aws_max:
        result.warn(where, f"has {len(items)} items; AWS allows at most {aws_max}")
    return items


def _json_type(value: object) -> str:
    return JSON_TYPES.get(type(value), type(value).__name__)


def max_length(model: type[Model], field_name: str) -> int:
    model_field = model._meta.get_field(field_name)
    assert isinstance(model_field, Field) and model_field.max_length is not None, f"{field_name} has no max_length"
    return model_field.max_length
