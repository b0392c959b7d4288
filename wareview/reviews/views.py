"""The review walk: dashboard, starting a review, the overview, and the question page that autosaves.

Every page works as plain GET/POST + redirect; with htmx the question page saves on each change and the
response refreshes the risk badge, the navigation's progress and the save status out of band.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from wareview.lenses.models import Lens
from wareview.lenses.selectors import question_sheet
from wareview.reports.charts import risk_chart_svg
from wareview.reviews import selectors, services, upgrade
from wareview.reviews.access import get_answer_for, get_review_for
from wareview.reviews.models import Answer, AnswerRisk, NotApplicableReason
from wareview.teams.models import WRITE_ROLES
from wareview.workloads.access import get_workload_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    workloads = selectors.dashboard_workloads(user=request.user)
    return render(request, "reviews/dashboard.html", {"workloads": workloads})


@login_required
@require_POST
def review_start(request: HttpRequest, workload_pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, workload_pk, write=True)
    lens = get_object_or_404(Lens.objects.published(), pk=request.POST.get("lens") or 0)
    try:
        review = services.review_start(workload=workload, lens=lens, user=request.user)
    except services.ReviewError as error:
        messages.error(request, str(error))
        return redirect("workloads:detail", pk=workload.pk)
    first = selectors.review_progress(review=review).questions[0].code
    return redirect("reviews:question", pk=review.pk, code=first)


@login_required
def review_overview(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk)
    progress = selectors.review_progress(review=review)
    context = {
        "review": review,
        "progress": progress,
        "attention": [q for q in progress.questions if q.risk in (AnswerRisk.HIGH, AnswerRisk.MEDIUM)],
        "newer_versions": upgrade.newer_versions(review=review),
        "chart_svg": _risk_chart(progress),
        "can_write": review.role in WRITE_ROLES,
    }
    return render(request, "reviews/overview.html", context)


def _risk_chart(progress: selectors.ReviewProgress) -> str:
    rows = [(f"{a.parent_name} › {a.name}" if a.parent_name else a.name, a.risk_counts) for a in progress.areas]
    # The chart escapes every label it draws.
    return mark_safe(risk_chart_svg(rows=rows))


@login_required
@vary_on_headers("HX-Request")
def question(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    if request.method == "POST":
        return _save_answer(request, pk, code)
    answer = get_answer_for(request.user, pk, code)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "reviews/question_fragment.html" if partial else "reviews/question.html"
    return render(request, template, _question_context(request, answer))


@login_required
def question_history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    answer = get_answer_for(request.user, pk, code)
    context = {
        "answer": answer,
        "review": answer.review,
        "question": answer.question,
        "history": selectors.answer_history(answer=answer),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "reviews/history.html#history" if partial else "reviews/history.html"
    return render(request, template, context)


def _save_answer(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    answer = get_answer_for(request.user, pk, code, write=True)
    was_answered = answer.risk != AnswerRisk.UNANSWERED
    try:
        data, version = _answer_input(request)
        services.answer_save(answer=answer, user=request.user, data=data, expected_version=version)
    except services.ReviewError as error:
        return _refused(request, answer, str(error))
    except services.AnswerConflict:
        answer.refresh_from_db()
        return _conflict(request, answer, data)
    if not request.htmx:
        messages.success(request, "Saved.")
        return redirect("reviews:question", pk=pk, code=code)
    # Progress moves only when a question becomes answered or unanswered; most saves (notes, another practice)
    # leave it as it is, and then the response does not count it again.
    progress_moved = was_answered != (answer.risk != AnswerRisk.UNANSWERED)
    counts = selectors.save_counts(answer=answer) if progress_moved else None
    context = {"answer": answer, "question": answer.question, "counts": counts}
    return render(request, "reviews/question_saved.html", context)


def _answer_input(request: HttpRequest) -> tuple[services.AnswerInput, int]:
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        raise services.ReviewError("The form is missing the answer's version; reload the page.") from None
    data = services.AnswerInput(
        selected=request.POST.getlist("selected"),
        not_applicable=request.POST.get("not_applicable") == "on",
        reason=request.POST.get("reason", ""),
        notes=request.POST.get("notes", "").replace("\r\n", "\n"),
    )
    return data, version


def _refused(request: HttpRequest, answer: Answer, message: str) -> HttpResponse:
    if request.htmx:
        # The form keeps what the user typed; only the status says what went wrong.
        return render(request, "reviews/question.html#status", {"error": message, "oob": True}, status=400)
    context = _question_context(request, answer)
    context["error"] = message
    return render(request, "reviews/question.html", context, status=400)


def _conflict(request: HttpRequest, current: Answer, mine: services.AnswerInput) -> HttpResponse:
    """Show the answer as it is now, who saved it, and offer to keep mine (resubmit on the new version)."""
    context = _question_context(request, current)
    context["conflict"] = {"mine": mine, "mine_titles": _titles(current, mine.selected)}
    if request.htmx:
        return render(request, "reviews/question.html#status", {**context, "oob": True}, status=409)
    return render(request, "reviews/question.html", context, status=409)


def _titles(answer: Answer, codes: list[str]) -> list[str]:
    titles = {choice.code: choice.title for choice in question_sheet(answer.question_id).choices}
    return [titles.get(code, code) for code in codes]


def _question_context(request: HttpRequest, answer: Answer) -> dict:
    review = answer.review
    progress = selectors.review_progress(review=review)
    previous, following = progress.neighbours(answer.question.code)
    choices = question_sheet(answer.question_id).choices
    return {
        "review": review,
        "answer": answer,
        "question": answer.question,
        "choices": choices,
        "selected": set(answer.selected),
        "progress": progress,
        "previous": previous,
        "following": following,
        "can_write": answer.role in WRITE_ROLES,
        "reasons": NotApplicableReason.choices,
        "notes_limit": Answer._meta.get_field("notes").max_length,
        "question_url": reverse("reviews:question", args=[review.pk, answer.question.code]),
    }


@login_required
def review_upgrade(request: HttpRequest, pk: int, lens_pk: int) -> HttpResponse:
    """Preview (GET) and make (POST) the move of a review to a newer published version of its lens."""
    review = get_review_for(request.user, pk, write=request.method == "POST")
    target = get_object_or_404(
        Lens.objects.published(), pk=lens_pk, slug=review.lens.slug, version__gt=review.lens.version
    )
    if request.method == "POST":
        upgrade.review_upgrade(review=review, target=target, user=request.user)
        messages.success(request, f"The review now uses {target.name} v{target.version}; answers were carried over.")
        return redirect("reviews:overview", pk=review.pk)
    plan = upgrade.review_upgrade_plan(review=review, target=target)
    context = {"review": review, "plan": plan, "can_write": review.role in WRITE_ROLES}
    return render(request, "reviews/upgrade.html", context)
