from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from wareview.health.checks import health_parts


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker, a worker and the storage are all well, else 503 naming the part that
    failed."""
    parts = health_parts()
    healthy = all(part.healthy for part in parts)
    body: dict[str, object] = {
        "status": "ok" if healthy else "failing",
        "parts": {part.name: part.detail for part in parts},
    }
    if not healthy:
        body["failing"] = [part.name for part in parts if not part.healthy]
    return JsonResponse(body, status=200 if healthy else 503)
