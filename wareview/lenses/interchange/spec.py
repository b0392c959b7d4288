"""Facts of the custom-lens format that validation, import and export share (see shared/lens-format.md)."""

import re

SCHEMA_VERSION = "2021-11-01"
ID_PATTERN = re.compile(r"[A-Za-z0-9_]+")
RESOURCE_TYPES = ("HELPFUL_RESOURCE", "IMPROVEMENT_PLAN")
RESOURCE_KEYS = ("helpfulResource", "improvementPlan")
RESOURCE_FIELDS = ("displayText", "url")
# wareview's own keys, under this key of a choice ({"verification", "effort", "impact", "replaces", "checks",
# "applies_when", "always_applies", "replaces_needs_all"}), of a question ({"replaces", "first_when"}) and of the
# lens ({"profile"}): a best practice's facts, the upgrade mapping (see wareview.lenses.mapping), the checks of
# the team's tools that speak for the practice (lenses.models.PracticeCheck), and the workload profile's
# questions with the conditions over their answers (wareview.lenses.conditions).
PRACTICE_KEY = "wareview"
PRACTICE_FIELDS = (
    "verification",
    "effort",
    "impact",
    "replaces",
    "checks",
    "applies_when",
    "always_applies",
    "replaces_needs_all",
)
# A check: {"tool": "checkov", "rule": "CKV_AWS_50"} or {"tool": "junit", "test": "http_req_duration - p(95)<*"}.
CHECK_FIELDS = ("tool", "rule", "test")
QUESTION_OWN_FIELDS = ("replaces", "first_when")
LENS_OWN_FIELDS: tuple[str, ...] = ("profile",)
# A profile question: {"code", "title", "description", "options": [{"code", "label"}, ...]}; no options: yes/no.
PROFILE_QUESTION_FIELDS = ("code", "title", "description", "options")

LENS_KEYS = frozenset({"schemaVersion", "name", "description", "pillars", PRACTICE_KEY})
PILLAR_KEYS = frozenset({"id", "name", "questions"})
QUESTION_KEYS = frozenset({"id", "title", "description", "helpfulResource", "choices", "riskRules", PRACTICE_KEY})
CHOICE_KEYS = frozenset({"id", "title", "description", *RESOURCE_KEYS, "additionalResources", PRACTICE_KEY})
# The objects whose known fields become columns: their other keys are kept in the owner's `extra` under their key.
NESTED_FIELDS = {"helpfulResource": RESOURCE_FIELDS, "improvementPlan": RESOURCE_FIELDS, PRACTICE_KEY: PRACTICE_FIELDS}
QUESTION_NESTED_FIELDS = {**NESTED_FIELDS, PRACTICE_KEY: QUESTION_OWN_FIELDS}
LENS_NESTED_FIELDS: dict[str, tuple[str, ...]] = {PRACTICE_KEY: LENS_OWN_FIELDS}

# Where sources disagree on a limit, the stricter one (lens-format.md). Beyond it import warns but goes on;
# beyond what a column holds (the models' max_length) it refuses.
AWS_TEXT = {"lens name": 128, "lens description": 2048, "name": 128, "title": 128, "description": 1024}
AWS_DISPLAY_TEXT = 1024
AWS_PILLARS, AWS_QUESTIONS, AWS_CHOICES, AWS_RULES, AWS_RESOURCES_PER_TYPE = 10, 20, 15, 3, 5
AWS_ID_MIN = 3
