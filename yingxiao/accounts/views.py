"""Login, logout, password change and the user's own page."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import DelegationForm, LoginForm, PasswordChangeForm
from .models import Delegation
from .selectors import active_delegations_to, memberships_of, scope_of


class LoginView(auth_views.LoginView):
    """The login page; django-axes counts failures and locks after five."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    """Confirmation after a password change."""

    template_name = "accounts/password_change_done.html"


@login_required
def profile(request):
    """The user's roles, scopes and delegations; POST gives a new delegation."""
    user = request.user
    form = DelegationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delegation_create(actor=user, from_user=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Delegation saved."))
            return redirect("accounts:profile")
    context = {
        "title": user.display_name,
        "memberships": memberships_of(user),
        "delegations_received": active_delegations_to(user),
        "delegations_given": user.delegations_given.select_related("to_user").order_by("-start")[:20],
        "delegation_form": form,
        "can_delegate": not scope_of(user).is_portal_user and bool(scope_of(user).roles),
    }
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def revoke_delegation(request, pk: int):
    """Stop one of my delegations now."""
    delegation = get_object_or_404(Delegation, pk=pk, from_user=request.user)
    try:
        services.delegation_revoke(actor=request.user, delegation=delegation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delegation revoked."))
    return redirect("accounts:profile")
