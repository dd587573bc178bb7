"""Login, logout, password change and the user's own page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy

from .forms import LoginForm, PasswordChangeForm
from .selectors import active_delegations_to, memberships_of


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
    """The user's roles, scopes and delegations."""
    user = request.user
    context = {
        "title": user.display_name,
        "memberships": memberships_of(user),
        "delegations_received": active_delegations_to(user),
        "delegations_given": user.delegations_given.select_related("to_user").order_by("-start")[:20],
    }
    return render(request, "accounts/profile.html", context)
