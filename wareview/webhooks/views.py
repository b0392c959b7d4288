from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHttpRequest, require_post
from wareview.lib.paging import paginate
from wareview.teams.access import Need, get_team_for
from wareview.teams.models import Team
from wareview.webhooks import services
from wareview.webhooks.access import get_delivery_for, get_webhook_for
from wareview.webhooks.forms import WebhookForm
from wareview.webhooks.models import Webhook
from wareview.webhooks.selectors import team_webhooks, webhook_deliveries

WEBHOOKS_PER_PAGE = 25
DELIVERIES_PER_PAGE = 20


@login_required
@require_safe
def webhook_list(request: HttpRequest, team_pk: int) -> HttpResponse:
    """The team's webhooks and the form to add one, for its owners."""
    team = get_team_for(request.user, team_pk, need=Need.OWNER).team
    return _render_list(request, team, WebhookForm(initial={"is_active": True}))


@login_required
@require_post
def webhook_create(request: AuthenticatedHttpRequest, team_pk: int) -> HttpResponse:
    team = get_team_for(request.user, team_pk, need=Need.OWNER).team
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _render_list(request, team, form, status=400)
    webhook = services.webhook_create(team=team, user=request.user, edit=form.edit(), ip=client_ip(request))
    messages.success(request, "Added the webhook. Copy its secret below to check the signature of what it gets.")
    return redirect("webhooks:detail", pk=webhook.pk)


def _render_list(request: HttpRequest, team: Team, form: WebhookForm, status: int = 200) -> HttpResponse:
    webhooks = paginate(request, team_webhooks(team_id=team.pk), per_page=WEBHOOKS_PER_PAGE)
    context = {"team": team, "webhooks": webhooks, "form": form}
    return render(request, "webhooks/list.html", context, status=status)


@login_required
@require_safe
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A webhook: its settings, its secret, and its recent deliveries a page at a time."""
    webhook = get_webhook_for(request.user, pk).webhook
    form = WebhookForm(initial={"url": webhook.url, "events": webhook.events, "is_active": webhook.is_active})
    return _render_detail(request, webhook, form)


@login_required
@require_post
def webhook_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for(request.user, pk).webhook
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, webhook, form, status=400)
    services.webhook_update(webhook=webhook, edit=form.edit(), by=request.user, ip=client_ip(request))
    messages.success(request, "Saved the webhook.")
    return redirect("webhooks:detail", pk=webhook.pk)


def _render_detail(request: HttpRequest, webhook: Webhook, form: WebhookForm, status: int = 200) -> HttpResponse:
    deliveries = paginate(request, webhook_deliveries(webhook=webhook), per_page=DELIVERIES_PER_PAGE)
    context = {"webhook": webhook, "team": webhook.team, "form": form, "deliveries": deliveries}
    return render(request, "webhooks/detail.html", context, status=status)


@login_required
@require_post
def webhook_rotate_secret(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for(request.user, pk).webhook
    services.webhook_rotate_secret(webhook=webhook, by=request.user, ip=client_ip(request))
    messages.success(
        request, "Made a new secret: deliveries are signed with it from now on; the old one no longer works."
    )
    return redirect("webhooks:detail", pk=webhook.pk)


@login_required
@require_post
def webhook_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for(request.user, pk).webhook
    services.webhook_delete(webhook=webhook, by=request.user, ip=client_ip(request))
    messages.success(request, f"Deleted the webhook to {webhook.url} with its deliveries.")
    return redirect("webhooks:list", team_pk=webhook.team_id)


@login_required
@require_post
def delivery_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send a finished delivery again; refused (409, with words) while it is still being sent or when its webhook
    is disabled."""
    delivery = get_delivery_for(request.user, pk).delivery
    try:
        services.delivery_resend(delivery=delivery, by=request.user, ip=client_ip(request))
    except services.WebhookError as error:
        context = {"webhook": delivery.webhook, "team": delivery.webhook.team, "error": str(error)}
        return render(request, "webhooks/refused.html", context, status=409)
    messages.success(request, f"Sending the {delivery.get_event_display().lower()} delivery again.")
    return redirect("webhooks:detail", pk=delivery.webhook_id)
