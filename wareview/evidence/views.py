"""A practice's evidence page (its items, "Add evidence", "Remove"), and an evidence file, served only to the
review's team, always as a download."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from wareview.evidence import selectors, services
from wareview.evidence.access import get_evidence_for
from wareview.evidence.forms import EvidenceForm, EvidencePolicyForm
from wareview.evidence.models import Evidence, EvidencePolicy
from wareview.lenses.models import Choice
from wareview.lib.http import AuthenticatedHtmxHttpRequest
from wareview.lib.paging import paginate
from wareview.reviews.access import get_answer_for
from wareview.reviews.models import Answer
from wareview.teams.access import Need, get_team_for

PAGE_SIZE = 20


@login_required
def practice_evidence(request: AuthenticatedHtmxHttpRequest, pk: int, code: str, practice: str) -> HttpResponse:
    """The practice's evidence with the form that adds an item (GET), or the item added (POST)."""
    need = Need.WRITE if request.method == "POST" else Need.READ
    access = get_answer_for(request.user, pk, code, need=need)
    answer = access.answer
    choice = _practice(answer, practice)
    form = EvidenceForm(request.POST, request.FILES) if request.method == "POST" else EvidenceForm()
    if request.method == "POST" and form.is_valid():
        evidence = services.evidence_add(
            answer=answer,
            practice=choice.code,
            practice_title=choice.title,
            user=request.user,
            data=form.evidence_input(),
        )
        messages.success(request, f"Evidence added: {evidence.title}.")
        return redirect("evidence:practice", pk=pk, code=code, practice=choice.code)
    context = {
        "review": answer.review,
        "question": answer.question,
        "answer": answer,
        "choice": choice,
        "ticked": choice.code in answer.selected,
        "pager": paginate(
            request, selectors.practice_evidence(answer=answer, practice=choice.code), per_page=PAGE_SIZE
        ),
        "summary": selectors.evidence_by_practice(answer=answer).get(choice.code, selectors.NO_EVIDENCE),
        "form": form,
        "can_write": access.can_write,
    }
    return render(request, "evidence/practice.html", context, status=400 if form.errors else 200)


def _practice(answer: Answer, code: str) -> Choice:
    """The answer's question's best practice `code` ("None of these" has no evidence); Http404 for any other."""
    choice = selectors.practice_choice(answer=answer, code=code)
    if choice is None:
        raise Http404("This question has no such best practice.")
    return choice


@login_required
@require_POST
def evidence_remove(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    evidence = get_evidence_for(request.user, pk, need=Need.WRITE).evidence
    answer = evidence.answer
    choice = _practice(answer, evidence.practice)
    services.evidence_remove(evidence=evidence, practice_title=choice.title, user=request.user)
    messages.success(request, f"Evidence removed: {evidence.title}. The answer's history keeps a note of it.")
    return redirect("evidence:practice", pk=answer.review_id, code=answer.question.code, practice=choice.code)


@login_required
@require_safe
def evidence_file(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponseBase:
    """The item's file, as a download (`Content-Disposition: attachment`) of the type sniffed when it was added,
    never inline and never of a type a browser would run (a stored type outside the allowed ones is sent as
    bytes). The response carries `X-Content-Type-Options: nosniff` (SecurityMiddleware).

    Streamed from the storage through this view, local folder or bucket alike, never a link to the bucket: the
    access check stays the only way to a file. A file the storage no longer has is 410 with the words and the way
    to the practice's page, where it can be added again."""
    access = get_evidence_for(request.user, pk)
    evidence = access.evidence
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise Http404("This evidence is a link, not a file.")
    try:
        stored = evidence.file.open("rb")
    except FileNotFoundError:
        answer = evidence.answer
        context = {"evidence": evidence, "review": answer.review, "question": answer.question}
        return render(request, "evidence/file_gone.html", {**context, "can_write": access.can_write}, status=410)
    return FileResponse(
        stored, as_attachment=True, filename=evidence.file_name, content_type=selectors.served_type(evidence)
    )


@login_required
def team_policy(request: AuthenticatedHtmxHttpRequest, team_pk: int) -> HttpResponse:
    """The team's "Evidence expires after": shown to its owners (GET), changed by them (POST)."""
    team = get_team_for(request.user, team_pk, need=Need.OWNER).team
    policy = EvidencePolicy.objects.filter(team=team).first() or EvidencePolicy(team=team)
    initial = {"max_age_days": selectors.team_max_age_days(team_id=team.pk)}
    form = EvidencePolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.evidence_policy_set(team=team, max_age_days=form.cleaned_data["max_age_days"])
        messages.success(
            request, f"Evidence now expires {form.cleaned_data['max_age_days']} days after it was verified."
        )
        return redirect("evidence:team_policy", team_pk=team.pk)
    context = {"team": team, "form": form, "has_own": policy.pk is not None, "default": settings.EVIDENCE_MAX_AGE_DAYS}
    return render(request, "evidence/team_policy.html", context, status=400 if form.errors else 200)
