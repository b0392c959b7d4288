"""The app's URLs plus the benchmark's two floors: the cheapest requests the stack can serve that still read and
write the database, one without and one with a signed-in person, to put the pages' costs in proportion (see
bench/README.md)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from wareview.reviews.models import Answer
from wareview.teams.access import Need, get_team_for
from wareview.urls import urlpatterns as app_urlpatterns


@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    """One SELECT and one UPDATE of the answer `answer`, nothing else: no session, no user, no template.

    It is POSTed with the CSRF token like the autosave, so it passes through the same middleware.
    """
    try:
        pk = int(request.POST.get("answer", ""))
    except ValueError:
        return HttpResponseBadRequest("Send the pk of an answer as `answer`.\n", content_type="text/plain")
    answer = get_object_or_404(Answer.objects.only("pk", "updated_at"), pk=pk)
    Answer.objects.filter(pk=answer.pk).update(updated_at=timezone.now())
    return HttpResponse(f"floor {answer.pk}\n", content_type="text/plain")


@login_required
@require_POST
def auth_floor(request: HttpRequest) -> HttpResponse:
    """The floor for a signed-in person, as every page of the app starts: the session read and the user loaded the
    stock way (Django's middleware and the configured backend), the person's membership of the team `team`
    checked through `teams.access` (contributors and owners write), then the floor's SELECT of the answer
    `answer`, which must belong to that team, and its UPDATE. No template."""
    try:
        answer_pk, team_pk = int(request.POST.get("answer", "")), int(request.POST.get("team", ""))
    except ValueError:
        return HttpResponseBadRequest(
            "Send the pk of an answer as `answer` and of its team as `team`.\n", content_type="text/plain"
        )
    access = get_team_for(request.user, team_pk, need=Need.WRITE)
    answer = get_object_or_404(
        Answer.objects.only("pk", "updated_at"), pk=answer_pk, review__workload__team=access.team
    )
    Answer.objects.filter(pk=answer.pk).update(updated_at=timezone.now())
    return HttpResponse(f"auth floor {answer.pk}\n", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/auth-floor/", auth_floor, name="bench_auth_floor"),
    *app_urlpatterns,
]
