"""Form base: every form knows its user (to limit choices) and wears Tabler's classes."""

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Django 6.1's empty choice label, not yet in Django's own Chinese catalogue: ours carries it.
gettext_noop("- Select an option -")


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads "All" (not Django's "Unknown"), each choice prefixed with the
    filter's label ("overdue: All"), as the filter bar shows no labels."""

    def __init__(self, *args, **kwargs):
        label = kwargs.get("label")
        if label:  # the list's filter bar shows no labels: the choices say which filter they are
            choices = [
                ("", format_lazy("{}: {}", label, _("All"))),
                ("true", format_lazy("{}: {}", label, _("Yes"))),
                ("false", format_lazy("{}: {}", label, _("No"))),
            ]
        else:
            choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]
        kwargs.setdefault(
            "widget", forms.Select(choices=choices, attrs={"aria-label": label} if label else {})
        )
        super().__init__(*args, **kwargs)


class StyledFormMixin:
    """Adds Bootstrap/Tabler classes to every widget."""

    fields: dict[str, forms.Field]

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class StyledForm(StyledFormMixin, forms.Form):
    """A plain (non-model) form with Tabler classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm that validates only; the page hands `cleaned_data` to a service to write."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.style_fields()


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fields wear Tabler's small controls (used by pages and the API alike)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("aria-label", str(field.label))


def scoped_choices(selector):
    """A queryset callable for filters: what `selector` gives this request's user (nothing without one)."""

    def queryset(request):
        return selector(getattr(request, "user", None) or AnonymousUser())

    return queryset
