"""A review's "Findings" page: what the team's tools said about its practices (every member reads it), and the
form that imports a report (owners and contributors)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from wareview.evidence.findings import selectors, services
from wareview.evidence.findings.forms import FindingsImportForm
from wareview.lib.http import AuthenticatedHtmxHttpRequest
from wareview.lib.paging import paginate
from wareview.reviews.access import get_review_for
from wareview.teams.access import Need

PAGE_SIZE = 50


@login_required
def review_findings(request: AuthenticatedHtmxHttpRequest, pk: int) -> HttpResponse:
    """The review's findings and latest imports (GET), or a report imported (POST)."""
    access = get_review_for(request.user, pk, need=Need.WRITE if request.method == "POST" else Need.READ)
    review = access.review
    form = FindingsImportForm(request.POST, request.FILES) if request.method == "POST" else FindingsImportForm()
    if request.method == "POST" and form.is_valid() and form.report is not None:
        try:
            done = services.findings_import(
                review=review, report=form.report, user=request.user, file_name=form.cleaned_data["file"].name or ""
            )
        except services.FindingsImportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Imported {done.tools}: {done.passed} passing checks added as evidence, {done.failed} failing "
                f"checks shown on their practices, {done.unmapped} rules or tests that no practice maps. "
                "No tick was changed.",
            )
            return redirect("evidence:findings", pk=review.pk)
    context = {
        "review": review,
        "pager": paginate(request, selectors.review_findings(review=review), per_page=PAGE_SIZE),
        "imports": selectors.recent_imports(review=review),
        "form": form,
        "can_write": access.can_write and not review.is_closed,
    }
    return render(request, "evidence/findings.html", context, status=400 if form.errors else 200)
