"""Login and password forms with Tabler styling."""

from django.contrib.auth import forms as auth_forms

from yingxiao.core.forms import StyledFormMixin


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
