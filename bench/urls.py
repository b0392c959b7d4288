"""The app's URLs plus the benchmark's floor: the cheapest request the stack can serve that still reads and
writes the database, to put the autosave's latency in proportion (see bench/README.md)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from wareview.reviews.models import Answer
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


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    *app_urlpatterns,
]
