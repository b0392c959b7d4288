"""Import and export of AWS custom-lens JSON files (the format is described in shared/lens-format.md).

A file is parsed, then validated whole, and only a file without errors is written, with one bulk insert per
table, so the database never holds half a lens. Keys the format has but wareview does not model (such as
`_version`) are kept in each row's `extra` and given back on export; unknown keys inside a `helpfulResource`
or `improvementPlan` are kept in the owner's `extra` under that key. A choice's `verification`, `effort` and
`impact` (wareview's own, absent from AWS files) travel under its `"wareview"` key, e.g.
`"wareview": {"verification": "...", "effort": "small", "impact": "high"}`, and so does the upgrade mapping of
a question or choice (`"wareview": {"replaces": ["PERF_03/perf_storage_metrics"]}`, see
`wareview.lenses.mapping`) and a choice's checks of the team's tools (`"wareview": {"checks": [{"tool":
"checkov", "rule": "CKV_AWS_50"}, {"tool": "junit", "test": "http_req_duration* - p(9?)<*"}]}`, stored as
`PracticeCheck` rows), and the workload profile: the lens's own "wareview" key holds its questions
(`{"profile": [{"code", "title", "description", "options"}]}`), a choice's `applies_when`, `always_applies` and
`replaces_needs_all`, a question's `first_when` (see `wareview.lenses.conditions`). Each is optional and
exported only when set; unknown keys inside it are kept in the row's `extra` under "wareview", like a
resource's. Every problem
is reported with its JSON path, e.g. `pillars[2].questions[4].riskRules[1].condition: unknown choice 'x' at
column 12`.
"""

from wareview.lenses.interchange.errors import LensFileError, LensImportError
from wareview.lenses.interchange.exporting import ExportResult, lens_export
from wareview.lenses.interchange.importing import ImportResult, lens_import
from wareview.lenses.interchange.parsing import lens_parse
from wareview.lenses.interchange.validation import ValidationResult, lens_validate

__all__ = [
    "ExportResult",
    "ImportResult",
    "LensFileError",
    "LensImportError",
    "ValidationResult",
    "lens_export",
    "lens_import",
    "lens_parse",
    "lens_validate",
]
