"""Lenses: the published question sets a review may start on, and each as a custom-lens JSON document."""

from typing import Any

from django.http import Http404
from ninja import Query, Router

from wareview.api.paging import PageQuery, page_of
from wareview.api.routes import REFUSALS
from wareview.api.routes.shapes import lens_shape
from wareview.api.schemas import LensOut, Page
from wareview.lenses.interchange import lens_export
from wareview.lenses.models import Lens
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.teams.access import NOT_FOUND

router = Router(tags=["lenses"])


@router.get("/lenses", response={200: Page[LensOut], **REFUSALS}, summary="List the published lenses")
def lens_list(request: AuthenticatedHttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    lenses = Lens.objects.published().order_by("slug", "-version", "pk")
    return page_of(lenses, paging, lens_shape)


@router.get("/lenses/{id:lens_id}/export", response={200: dict, **REFUSALS}, summary="Export a lens as lens JSON")
def lens_export_json(request: AuthenticatedHttpRequest, lens_id: int) -> dict[str, Any]:
    """The published lens as an AWS custom-lens document (the format the admin imports)."""
    lens = Lens.objects.published().filter(pk=lens_id).first()
    if lens is None:
        raise Http404(NOT_FOUND)
    return lens_export(lens=lens).document
