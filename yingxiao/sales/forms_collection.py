"""Forms and filters of receivables aging and collection tasks (催收). They validate input only; the
collection services decide (past dates, amounts over what is open, who may act)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingxiao.core.forms import StyledFilterSet, StyledForm
from yingxiao.org.forms import RegionChoiceFilter
from yingxiao.org.selectors import regions_for

from .choices import CollectionStatus
from .models import CollectionTask
from .receivables import GROUPINGS


class AgingForm(StyledForm):
    """What the aging page shows: the grouping, and optionally one region the user may see."""

    group_by = forms.ChoiceField(
        label=_("group by"),
        choices=[(key, grouping.label) for key, grouping in GROUPINGS.items()],
        required=False,
    )
    region = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        label=_("region"),
        empty_label=_("All regions"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class CollectionTaskFilter(StyledFilterSet):
    """Filter collection tasks by status, region, and whether they are mine (assigned or escalated to me)."""

    status = django_filters.ChoiceFilter(
        choices=CollectionStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    region = RegionChoiceFilter()
    mine = django_filters.ChoiceFilter(
        method="filter_mine",
        label=_("assigned to"),
        choices=[("true", _("Mine")), ("false", _("Others'"))],
        empty_label=_("Anyone's"),
    )

    class Meta:
        model = CollectionTask
        fields = ["status", "region", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or value not in ("true", "false"):
            return queryset
        mine = Q(assignee=user) | Q(escalated_to=user)
        return queryset.filter(mine) if value == "true" else queryset.exclude(mine)


class CollectionNoteForm(StyledForm):
    """A contact with the buyer: call, visit or message, and what was said."""

    text = forms.CharField(
        label=_("contact log"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you spoke to, how, and what they said."),
    )


class CollectionPromiseForm(StyledForm):
    """The buyer's promise to pay an amount by a date."""

    promised_on = forms.DateField(
        label=_("promised payment date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    promised_amount = forms.DecimalField(
        label=_("promised amount"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, the contact log records the promise itself."),
    )
