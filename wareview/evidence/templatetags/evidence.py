from django import template

from wareview.evidence.findings.selectors import PracticeFinding
from wareview.evidence.selectors import NO_EVIDENCE, PracticeEvidence

register = template.Library()


@register.filter
def practice_evidence(evidence: dict[str, PracticeEvidence] | None, code: str) -> PracticeEvidence:
    """The evidence of practice `code` from `selectors.evidence_by_practice`, or none."""
    return (evidence or {}).get(code, NO_EVIDENCE)


@register.filter
def practice_findings(
    findings: dict[str, tuple[PracticeFinding, ...]] | None, code: str
) -> tuple[PracticeFinding, ...]:
    """The failing checks of practice `code` from `findings.selectors.findings_by_practice`, or none."""
    return (findings or {}).get(code, ())
