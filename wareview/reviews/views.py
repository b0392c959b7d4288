"""The review walk: dashboard, starting a review, the overview, and the question page that autosaves.

Every page works as plain GET/POST + redirect; with htmx the question page saves on each change and the
response refreshes the risk badge, the navigation's progress and the save status out of band.
"""

import hashlib
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from wareview.evidence.findings.selectors import findings_by_practice
from wareview.evidence.selectors import answer_evidence_policy, evidence_by_practice, review_verified
from wareview.lenses.models import Choice, Lens
from wareview.lenses.selectors import question_sheet
from wareview.lib.charts import RiskChart, risk_chart
from wareview.lib.http import AuthenticatedHtmxHttpRequest, HtmxHttpRequest
from wareview.lib.paging import paginate
from wareview.milestones.services import review_upgrade_keeping_milestone
from wareview.profiles.selectors import review_walk
from wareview.reviews import merging, selectors, services, upgrade
from wareview.reviews.access import get_answer_for, get_answer_to_write, get_review_for
from wareview.reviews.forms import PERSON_REASONS, AnswerForm, ReviewStartForm, profile_marked_codes
from wareview.reviews.links import question_url_maker
from wareview.reviews.merging import AnswerState
from wareview.reviews.models import PRACTICE_NOTE_MAX_LENGTH, Answer, AnswerRisk, NotApplicableReason, Review
from wareview.teams.access import Need, teams_for
from wareview.workloads.access import get_workload_for


@login_required
def dashboard(request: AuthenticatedHtmxHttpRequest) -> HttpResponse:
    pager = paginate(request, selectors.dashboard_workloads(user=request.user))
    summaries = selectors.workload_summaries(workloads=list(pager.page.object_list))
    # Where a new workload may go: the teams in which the person may add one.
    writable_teams = list(teams_for(request.user, need=Need.WRITE)[: DASHBOARD_TEAM_LINKS + 1])
    context = {"pager": pager, "summaries": summaries, "writable_teams": writable_teams[:DASHBOARD_TEAM_LINKS]}
    context["more_teams"] = len(writable_teams) > DASHBOARD_TEAM_LINKS
    return render(request, "reviews/dashboard.html", context)


DASHBOARD_TEAM_LINKS = 5


@login_required
@require_POST
def review_start(request: AuthenticatedHtmxHttpRequest, workload_pk: int) -> HttpResponse:
    workload = get_workload_for(request.user, workload_pk, need=Need.WRITE).workload
    form = ReviewStartForm(request.POST)
    if not form.is_valid():
        context = {"workload": workload, "error": next(iter(form.errors.values()))[0]}
        return render(request, "reviews/review_start_refused.html", context, status=400)
    try:
        review = services.review_start(workload=workload, lens=form.cleaned_data["lens"], user=request.user)
    except services.ReviewError as error:
        messages.error(request, str(error))
        return redirect("workloads:detail", pk=workload.pk)
    walk = review_walk(review=review, outline=selectors.review_outline(review=review))
    if walk.profiled and not walk.answered:  # the workload profile is asked once, as the first review starts
        profile = reverse("profiles:profile", args=[workload.pk, review.lens_slug])
        return redirect(f"{profile}?next={reverse('reviews:overview', args=[review.pk])}")
    return redirect("reviews:question", pk=review.pk, code=walk.start)


@login_required
def review_overview(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = get_review_for(request.user, pk)
    review = access.review
    progress = selectors.review_outline(review=review)
    walk = review_walk(review=review, outline=progress)
    context = {
        "review": review,
        "progress": progress,
        "verified": review_verified(review_id=review.pk, outline=progress),
        "walk": walk,
        "walk_start": walk.start,
        "attention": progress.needing_attention(),
        "newer_versions": upgrade.newer_versions(review=review),
        "risk_chart": _risk_chart(progress),
        "can_write": access.can_write,
        # Closing and reopening need the role that writes; a closed review is otherwise read-only.
        "can_close": access.allows(Need.WRITE),
    }
    return render(request, "reviews/overview.html", context)


@login_required
@require_POST
def review_close(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, need=Need.WRITE).review
    services.review_close(review=review)
    messages.success(request, "The review is closed: its answers are kept read-only. Reopen it to change them.")
    return redirect("reviews:overview", pk=review.pk)


@login_required
@require_POST
def review_reopen(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk, need=Need.WRITE, even_closed=True).review
    try:
        services.review_reopen(review=review)
    except services.ReviewError as error:
        return render(
            request, "reviews/review_reopen_refused.html", {"review": review, "error": str(error)}, status=409
        )
    messages.success(request, "The review is open again.")
    return redirect("reviews:overview", pk=review.pk)


def _risk_chart(progress: selectors.ReviewOutline) -> RiskChart:
    return risk_chart(rows=[(area.label, area.risk_counts) for area in progress.areas])


@login_required
@vary_on_headers("HX-Request")
def question(request: AuthenticatedHtmxHttpRequest, pk: int, code: str) -> HttpResponse:
    if request.method == "POST":
        return _save_answer(request, pk, code)
    access = get_answer_for(request.user, pk, code, annotations=answer_evidence_policy())
    whole_page = not request.htmx or request.htmx.history_restore_request
    # A switch from another question of the review refreshes only the navigation entries of the two questions;
    # from anywhere else, the whole navigation.
    left = None if whole_page else _question_left(request, pk)
    context = _question_context(request, access.answer, can_write=access.can_write, whole_nav=not left)
    if whole_page:
        return render(request, "reviews/question.html", context)
    codes = {left, code}
    context["nav_items"] = [item for item in context["progress"].questions if item.code in codes] if left else None
    response = render(request, "reviews/question_fragment.html", context)
    patch_vary_headers(response, ["HX-Current-URL"])
    return response


def _question_left(request: HtmxHttpRequest, pk: int) -> str | None:
    """The code of the question of review `pk` the browser showed when it asked for another one, if any."""
    path = request.htmx.current_url_abs_path
    if not path:
        return None
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    if match.view_name != "reviews:question" or match.kwargs.get("pk") != pk:
        return None
    return match.kwargs["code"]


HISTORY_PAGE_SIZE = 20


@login_required
@vary_on_headers("HX-Request")
def question_history(request: HtmxHttpRequest, pk: int, code: str) -> HttpResponse:
    """A page of the answer's changes, newest first: a page of its own, or with htmx the list alone (loaded into
    the question page's history, or in place of the page before it)."""
    answer = get_answer_for(request.user, pk, code).answer
    context = {
        "answer": answer,
        "review": answer.review,
        "question": answer.question,
        "history": paginate(request, selectors.answer_history(answer=answer), per_page=HISTORY_PAGE_SIZE),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "reviews/history.html#history" if partial else "reviews/history.html"
    return render(request, template, context)


def _save_answer(request: AuthenticatedHtmxHttpRequest, pk: int, code: str) -> HttpResponse:
    try:
        answer = get_answer_to_write(request.user, pk, code).answer
    except PermissionDenied as refusal:
        if not request.htmx:
            raise
        # An autosave swaps nothing but out-of-band parts: say it on the question's status, or nobody would see
        # that the review was closed (or their role changed) while the page was open.
        context = {"error": str(refusal), "oob": True, "question": {"code": code}}
        return render(request, "reviews/question.html#status", context, status=403)
    form = AnswerForm(
        request.POST,
        sheet=question_sheet(answer.question_id),
        profile_marked=profile_marked_codes(answer.practices_not_applicable),
    )
    if not form.is_valid():
        return _refused(request, answer, form.first_error())
    was_answered = _counts_as_answered(answer)
    mine = form.state()
    try:
        # A save started from an older version is merged over whoever saved since; say whose changes were kept.
        merged_with = services.answer_save_merging(
            answer=answer,
            user=request.user,
            data=mine,
            expected_version=form.cleaned_data["version"],
            changed=form.changed_fields(),
        )
    except services.AnswerVersionAhead as error:
        return _refused(request, answer, str(error))
    except services.AnswerConflict as conflict:
        return _conflict(request, answer, conflict, mine)
    if not request.htmx:
        message = f"Saved, together with {merged_with}’s changes." if merged_with else "Saved."
        messages.success(request, message)
        return redirect("reviews:question", pk=pk, code=code)
    return _saved(request, answer, mine, was_answered=was_answered, merged_with=merged_with)


def _saved(
    request: HtmxHttpRequest, answer: Answer, mine: AnswerState, *, was_answered: bool, merged_with: str
) -> HttpResponse:
    """The htmx answer to a save: out-of-band status, badges, version and progress, and the fields to refresh."""
    # Progress moves only when a question becomes answered or unanswered; most saves (notes, another practice)
    # leave it as it is, and then the response does not count it again.
    progress_moved = was_answered != _counts_as_answered(answer)
    counts = selectors.save_counts(answer=answer) if progress_moved else None
    context: dict[str, object] = {
        "answer": answer,
        "question": answer.question,
        "counts": counts,
        "merged_with": merged_with,
    }
    saved = answer.answer_state()
    if saved != mine:
        # Merged with someone's changes, or only some fields kept ("Keep mine"): the form still shows what this
        # user sent, so refresh the parts that differ.
        context |= _answer_fields_context(answer, can_write=True)
        context["refresh"] = {
            "practices": (saved.selected, saved.practices_not_applicable)
            != (mine.selected, mine.practices_not_applicable),
            "applicability": (saved.not_applicable, saved.reason) != (mine.not_applicable, mine.reason),
            "notes": saved.notes != mine.notes,
        }
    return render(request, "reviews/question_saved.html", context)


def _counts_as_answered(answer: Answer) -> bool:
    """Whether progress counts the answer: answered, and not pre-filled awaiting confirmation."""
    return answer.risk != AnswerRisk.UNANSWERED and not answer.prefilled_from


def _refused(request: HtmxHttpRequest, answer: Answer, message: str) -> HttpResponse:
    if request.htmx:
        # The form keeps what the user typed; only the status says what went wrong.
        context = {"error": message, "oob": True, "question": answer.question}
        return render(request, "reviews/question.html#status", context, status=400)
    context = _question_context(request, answer, can_write=True)  # a save got this far: the user writes
    context["error"] = message
    return render(request, "reviews/question.html", context, status=400)


def _conflict(
    request: HtmxHttpRequest, answer: Answer, conflict: services.AnswerConflict, mine: AnswerState
) -> HttpResponse:
    """Show the answer as it is now, who saved it and what we both changed; offer to keep mine (write the fields I
    changed over the current answer) or take theirs."""
    answer.refresh_from_db()
    current = answer
    titles = {choice.code: choice.title for choice in question_sheet(current.question_id).choices}
    overlap = sorted(conflict.overlap, key=_field_order)
    context = _question_context(request, current, can_write=True) if not request.htmx else {"answer": current}
    context.update(
        question=current.question,
        question_url=reverse("reviews:question", args=[current.review_id, current.question.code]),
        conflict={
            "mine": mine,
            "mine_titles": [titles.get(code, code) for code in mine.selected],
            "theirs_titles": [titles.get(code, code) for code in current.selected],
            "changed": sorted(conflict.mine_changed),
            "overlap": [_field_label(name, titles) for name in overlap],
        },
    )
    if request.htmx:
        return render(request, "reviews/question.html#status", {**context, "oob": True}, status=409)
    return render(request, "reviews/question.html", context, status=409)


def _field_order(name: str) -> tuple[bool, str]:
    return (not name.startswith(merging.PRACTICE_PREFIX), name)


def _field_label(name: str, titles: dict[str, str]) -> str:
    """A field of an answer (see merging.py) in words."""
    if name == merging.NOTES:
        return "the notes"
    if name == merging.APPLICABILITY:
        return "whether the question applies"
    code = name.removeprefix(merging.PRACTICE_PREFIX)
    return f"“{titles.get(code, code)}”"


def _answer_fields_context(answer: Answer, *, can_write: bool) -> dict:
    """What the answer's fields (practices, applicability, notes) need to render."""
    choices = question_sheet(answer.question_id).choices
    evidence = evidence_by_practice(answer=answer)
    findings = findings_by_practice(answer=answer)  # the failing checks of the team's tools, one query
    return {
        "choices": choices,
        "selected": set(answer.selected),
        "practice_marks": answer.practices_not_applicable,
        "evidence": evidence,
        "findings": findings,
        "practices_state": _practices_state(answer, choices, evidence=(evidence, findings), can_write=can_write),
        "can_write": can_write,
        "reasons": NotApplicableReason.choices,
        # The profile's reason is offered only on a mark the profile set (forms.AnswerForm refuses it otherwise).
        "person_reasons": PERSON_REASONS,
        "practice_note_limit": PRACTICE_NOTE_MAX_LENGTH,
        "notes_limit": Answer._meta.get_field("notes").max_length,
    }


def _question_context(request: HtmxHttpRequest, answer: Answer, *, can_write: bool, whole_nav: bool = True) -> dict:
    """What the question page shows; without `whole_nav` (a switch that refreshes two navigation entries only),
    not the digest the whole navigation's fragment cache keys on."""
    review = answer.review
    progress = selectors.review_outline(review=review)
    previous, following = progress.neighbours(answer.question.code)
    question_url = question_url_maker(review.pk)
    context = {
        "review": review,
        "answer": answer,
        "question": answer.question,
        "progress": progress,
        "previous_url": question_url(previous) if previous else "",
        "following_url": question_url(following) if following else "",
        "question_url": question_url(answer.question.code),
        **_answer_fields_context(answer, can_write=can_write),
    }
    if whole_nav:
        context["nav_state"] = _nav_state(review, progress)
    return context


def _nav_state(review: Review, progress: selectors.ReviewOutline) -> str:
    """A digest of what the question page's navigation shows besides the question open: the lens, its areas' and
    questions' names (which a draft may still change) and every question's risk, which gives its badge and the
    counts, and what pre-filled each answer not yet confirmed. The navigation's fragment cache keys on it: its
    entries cost more CPU to render than the rest of the page."""
    areas = [(area.key, area.parent_name, area.name) for area in progress.areas]
    questions = [(item.code, item.title, item.risk, item.prefilled_from) for item in progress.questions]
    return _digest((review.lens_id, areas, questions))


def _practices_state(answer: Answer, choices: Sequence[Choice], *, evidence: tuple[dict, dict], can_write: bool) -> str:
    """A digest of all the question page's practices show: their texts, what the answer ticks and marks, the
    reasons offered, and each practice's evidence (its state and count, the links to its review's evidence pages,
    "Add evidence" for those who write) and failing checks. Their fragment cache keys on it, so a key never names
    other texts (a database restored, a test's lens), and rendering them in the template costs only when one
    changes."""
    texts = [
        (
            c.code,
            c.is_none,
            c.title,
            c.description,
            c.improvement_text,
            c.improvement_url,
            c.verification,
            c.effort,
            c.impact,
            c.always_applies,
        )
        for c in choices
    ]
    marks = sorted(answer.practices_not_applicable.items())
    shown = (answer.review_id, answer.question.code, can_write, *(sorted(part.items()) for part in evidence))
    return _digest((texts, sorted(answer.selected), marks, NotApplicableReason.choices, shown))


def _digest(state: object) -> str:
    """A short digest of plain values (their `repr`), for a template fragment cache's key."""
    return hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()


@login_required
def review_upgrade(request: AuthenticatedHtmxHttpRequest, pk: int, lens_pk: int) -> HttpResponse:
    """Preview (GET) and make (POST) the move of a review to a newer published version of its lens."""
    access = get_review_for(request.user, pk, need=Need.WRITE if request.method == "POST" else Need.READ)
    review = access.review
    target = get_object_or_404(
        Lens.objects.published(), pk=lens_pk, slug=review.lens.slug, version__gt=review.lens.version
    )
    if request.method == "POST":
        try:
            milestone = review_upgrade_keeping_milestone(review=review, target=target, user=request.user)
        except upgrade.UpgradeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"The review now uses {target.name} v{target.version}; answers were carried over. "
                f"The answers before the move are kept as the milestone “{milestone.name}”.",
            )
        return redirect("reviews:overview", pk=review.pk)
    plan = upgrade.review_upgrade_plan(review=review, target=target)
    context = {"review": review, "plan": plan, "can_write": access.can_write}
    return render(request, "reviews/upgrade.html", context)
