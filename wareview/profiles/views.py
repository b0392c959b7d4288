"""A workload's profile for one question set: its questions as a plain form, asked once as a review starts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from wareview.lib.http import AuthenticatedHttpRequest
from wareview.profiles import selectors, services
from wareview.profiles.forms import NOT_ANSWERED_LABEL, ProfileForm
from wareview.teams.access import Need
from wareview.workloads.access import get_workload_for

NO_LENS = "There is no published question set with this name."


@login_required
def workload_profile(request: AuthenticatedHttpRequest, pk: int, lens_slug: str) -> HttpResponse:
    """The profile's answers (GET), or the answers saved and applied to the open review (POST)."""
    access = get_workload_for(request.user, pk, need=Need.WRITE if request.method == "POST" else Need.READ)
    workload = access.workload
    lens = selectors.newest_lens(slug=lens_slug)
    if lens is None:
        raise Http404(NO_LENS)
    questions = selectors.lens_profile_questions(lens_id=lens.pk)
    answers = selectors.profile_answers(workload_id=workload.pk, lens_slug=lens.slug)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, questions=questions, answers=answers or {})
    following = _next_url(request)
    if data is not None and form.is_valid():
        if questions:  # a question set without profile questions has nothing to save
            changes = services.profile_save(workload=workload, lens=lens, answers=form.answers(), user=request.user)
            _tell(request, changes)
        return redirect(following or reverse("profiles:profile", args=[workload.pk, lens.slug]))
    context = {
        "workload": workload,
        "lens": lens,
        "form": form,
        "rows": [(question, form[question.code]) for question in questions],
        "answered": answers is not None,
        "next": following,
        "can_write": access.can_write,
        "not_answered_label": NOT_ANSWERED_LABEL,
    }
    return render(request, "profiles/profile.html", context, status=400 if form.errors else 200)


def _next_url(request: AuthenticatedHttpRequest) -> str:
    """Where to go after the profile (`?next=`, from "Start review"), when it is a page of this site."""
    following = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}, require_https=False)
    return following if safe else ""


def _tell(request: AuthenticatedHttpRequest, changes: services.ProfileChanges) -> None:
    """Say what the profile changed on the open review, naming the practices."""
    parts = []
    if changes.no_longer_apply:
        parts.append(_count(changes.no_longer_apply, "no longer applies", "no longer apply") + " to this workload")
    if changes.apply_again:
        parts.append(_count(changes.apply_again, "applies again", "apply again"))
    summary = ", ".join(parts) or "No practice changed"
    if changes.left_as_set:
        left = len(changes.left_as_set)
        kept = "was left as it was" if left == 1 else "were left as they were"
        summary += f"; {left} you set yourself {kept}"
    messages.success(request, f"Saved the workload profile. {summary}.")
    for label, practices in (
        ("No longer apply", changes.no_longer_apply),
        ("Apply again", changes.apply_again),
        ("Left as you set them", changes.left_as_set),
    ):
        if practices:
            names = "; ".join(f"{practice.question_code} · {practice.title}" for practice in practices)
            messages.info(request, f"{label}: {names}.")


def _count(practices: list[services.PracticeRef], one: str, many: str) -> str:
    number = len(practices)
    return f"{number} practice {one}" if number == 1 else f"{number} practices {many}"
