"""The API tokens settings page (under the account pages): a person's tokens, making one (its secret shown once)
and revoking one. Plain forms with CSRF, like every page of the app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from wareview.api import selectors, services
from wareview.api.forms import TokenForm
from wareview.audit.services import client_ip
from wareview.lib.http import AuthenticatedHttpRequest
from wareview.lib.paging import paginate
from wareview.teams.access import NOT_FOUND


@login_required
def token_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the page. POST: make a token and show its secret on the page this once (it is not kept)."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            new_token = services.token_create(
                user=request.user, name=data["name"], scope=data["scope"], days=data["days"], ip=client_ip(request)
            )
            form = TokenForm()
        else:
            status = 400
    pager = paginate(request, selectors.user_tokens(user=request.user))
    context = {"form": form, "new_token": new_token, "pager": pager}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = selectors.user_tokens(user=request.user).filter(pk=pk).first()
    if token is None:  # someone else's token, or none: the same answer
        raise Http404(NOT_FOUND)
    services.token_revoke(token=token, by=request.user, ip=client_ip(request))
    messages.success(request, f"Revoked the token “{token.name}”: it no longer works.")
    return redirect("tokens:list")
