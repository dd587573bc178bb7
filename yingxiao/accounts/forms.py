"""Login and password forms with Tabler styling."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from yingxiao.core.forms import StyledFormMixin

from .choices import Role
from .models import Membership, User


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    """Username and password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    """Old password and the new one twice."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class DelegationForm(StyledFormMixin, forms.Form):
    """Let a colleague act for me between two dates (holidays, business trips)."""

    to_user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("delegate to"))
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("end"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Membership.objects.exclude(role=Role.DISTRIBUTOR).values("user")
        self.fields["to_user"].queryset = User.objects.filter(is_active=True, pk__in=staff).exclude(
            pk=user.pk
        )
        self.style_fields()
