"""Forms and filters of the rebates app: the policy with its tiers and speed bands, the step forms of the
run and statement flows (send back, dispute, reissue, pay out), flags, advances and the list filters."""

import re
from decimal import Decimal

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yingxiao.catalog.models import ProductCategory
from yingxiao.core.forms import StyledFilterSet, StyledForm, scoped_choices
from yingxiao.org.forms import RegionChoiceFilter
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorGrade
from yingxiao.partners.models import Distributor
from yingxiao.partners.selectors import distributors_for

from .choices import (
    PayoutMethod,
    PolicyScope,
    PolicyStatus,
    RebateBasis,
    RunStatus,
    StatementStatus,
    TierMode,
)
from .models import (
    CrossRegionFlag,
    RebateAdvance,
    RebateLine,
    RebatePolicy,
    RebateResult,
    RebateRun,
    Statement,
)

HUNDRED = Decimal(100)


def _date_input(attrs: dict | None = None):
    """A browser date picker: its value must be ISO (yyyy-mm-dd) whatever the locale's date format."""
    return forms.DateInput(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d")


# --- policy ----------------------------------------------------------------------------------------------


class PolicyForm(StyledForm):
    """The policy's header: year, scope, basis, categories, tier mode and conditions."""

    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("name"), max_length=100)
    scope = forms.ChoiceField(label=_("scope"), choices=PolicyScope.choices)
    regions = forms.ModelMultipleChoiceField(
        queryset=Region.objects.filter(active=True), required=False, label=_("regions")
    )
    grades = forms.MultipleChoiceField(choices=DistributorGrade.choices, required=False, label=_("grades"))
    distributors = forms.ModelMultipleChoiceField(
        queryset=Distributor.objects.order_by("code"), required=False, label=_("distributors")
    )
    basis = forms.ChoiceField(label=_("basis"), choices=RebateBasis.choices)
    categories = forms.ModelMultipleChoiceField(
        queryset=ProductCategory.objects.all(),
        required=False,
        label=_("product categories"),
        help_text=_("Leave empty for every category."),
    )
    tier_mode = forms.ChoiceField(label=_("tier mode"), choices=TierMode.choices)
    payment_speed_factor = forms.BooleanField(
        label=_("payment-speed factor"),
        required=False,
        help_text=_("Scale the rebate by the distributor's average days to pay (bands below)."),
    )
    forfeit_cross_region = forms.BooleanField(
        label=_("forfeit for cross-region selling"),
        required=False,
        help_text=_(
            "A distributor flagged for selling outside its region (窜货) in the year gets no rebate."
        ),
    )
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["distributors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = distributors_for(user).order_by("code")

    @staticmethod
    def initial_of(policy: RebatePolicy) -> dict:
        return {
            "year": policy.year,
            "name": policy.name,
            "scope": policy.scope,
            "regions": list(policy.regions.all()),
            "grades": list(policy.grades),
            "distributors": list(policy.distributors.all()),
            "basis": policy.basis,
            "categories": list(policy.categories.all()),
            "tier_mode": policy.tier_mode,
            "payment_speed_factor": policy.payment_speed_factor,
            "forfeit_cross_region": policy.forfeit_cross_region,
            "note": policy.note,
        }


class TierForm(StyledForm):
    """One tier: from this base (inclusive) the rate applies; the rate is entered in percent."""

    threshold = forms.DecimalField(
        label=_("from (base)"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    rate = forms.DecimalField(
        label=_("rate %"), min_value=0, max_value=100, max_digits=6, decimal_places=2, required=False
    )

    def clean(self):
        data = super().clean() or {}
        if (data.get("threshold") is None) != (data.get("rate") is None) and not self.errors:
            raise forms.ValidationError(_("Give both the threshold and the rate, or neither."))
        return data


class BandForm(StyledForm):
    """One payment-speed band: paid within so many days (empty: slower), the share of the rebate kept."""

    max_days = forms.IntegerField(label=_("paid within (days)"), min_value=0, max_value=3650, required=False)
    factor = forms.DecimalField(
        label=_("factor %"), min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )


TierFormSet = forms.formset_factory(TierForm, extra=3, max_num=20)
BandFormSet = forms.formset_factory(BandForm, extra=3, max_num=10)


def tiers_from(formset) -> list[tuple[Decimal, Decimal]]:
    """(threshold, rate as a fraction) for the filled rows of a valid tier formset."""
    return [
        (f.cleaned_data["threshold"], f.cleaned_data["rate"] / HUNDRED)
        for f in formset.forms
        if f.cleaned_data.get("threshold") is not None
    ]


def bands_from(formset) -> list[tuple[int | None, Decimal]]:
    """(days, factor as a fraction) for the filled rows of a valid band formset."""
    return [
        (f.cleaned_data.get("max_days"), f.cleaned_data["factor"] / HUNDRED)
        for f in formset.forms
        if f.cleaned_data.get("factor") is not None
    ]


class SimulationForm(StyledForm):
    """The ledger year to run a policy against (last year by default)."""

    year = forms.IntegerField(label=_("ledger year"), min_value=2000, max_value=2100)


# --- step forms ------------------------------------------------------------------------------------------


def _codes(value) -> list[str]:
    """Distributor codes from a list (API, form) or text separated by commas or spaces."""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return [code for code in re.split(r"[\s,，;；、]+", str(value or "")) if code]


class CodeCheckboxes(forms.CheckboxSelectMultiple):
    """One checkbox per distributor, each under its own name (`<name>.<code>`): the step view reads one value
    per posted name, so checkboxes sharing a name would arrive as the last one only. Input under the
    field's own name (a list or text of codes, as the API and services send) is read as well."""

    template_name = "rebates/widgets/code_checkboxes.html"

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["name"] = f"{name}.{value}"
        return option

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.getlist(name) if hasattr(data, "getlist") else data[name]
        return [value for key, value in data.items() if key.startswith(f"{name}.")]

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing ticked is an empty list, not a missing field


class DistributorCodesField(forms.MultipleChoiceField):
    """Distributor codes, chosen among the run's (the form checks them, naming the unknown ones)."""

    widget = CodeCheckboxes

    def to_python(self, value):
        return _codes(value)

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class SendBackForm(forms.Form):
    """Finance sends a run back (the comment says why), naming the distributors whose figures it disputes."""

    distributors = DistributorCodesField(
        label=_("disputed distributors"),
        required=False,
        help_text=_("Tick the distributors whose figures are wrong (in the API: their codes)."),
    )
    note = forms.CharField(
        label=_("what is wrong with their figures"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        field = self.fields["distributors"]
        assert isinstance(field, forms.MultipleChoiceField)
        if document is not None:
            field.choices = [
                (r.distributor.code, f"{r.distributor.code} {r.distributor.name}")
                for r in RebateResult.objects.filter(run=document)
                .select_related("distributor")
                .order_by("distributor__code")
            ]

    def clean_distributors(self):
        codes = self.cleaned_data["distributors"]
        found = {
            r.distributor.code: r.distributor
            for r in RebateResult.objects.filter(
                run=self.document, distributor__code__in=codes
            ).select_related("distributor")
        }
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(_("Not in this run: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [found[c] for c in dict.fromkeys(codes)]


class DisputeForm(forms.Form):
    """The distributor disputes its statement: why, and the amount it believes it is owed."""

    reason = forms.CharField(
        label=_("reason"), max_length=2000, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
    claimed_amount = forms.DecimalField(
        label=_("amount you claim"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReissueForm(forms.Form):
    """Finance answers a dispute; it may change the amount (empty: unchanged)."""

    amount = forms.DecimalField(
        label=_("amount"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to keep the amount."),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        if document is not None:
            self.fields["amount"].widget.attrs["placeholder"] = f"{document.amount}"


class PayoutForm(forms.Form):
    """How finance pays a confirmed statement out."""

    method = forms.ChoiceField(
        label=_("method"), choices=PayoutMethod.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    reference = forms.CharField(
        label=_("reference"),
        max_length=64,
        required=False,
        help_text=_("Credit note or bank transfer number."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    paid_on = forms.DateField(
        label=_("paid on"),
        initial=timezone.localdate,
        widget=_date_input({"class": "form-control"}),
    )

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean_paid_on(self):
        day = self.cleaned_data["paid_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A payout can't be dated in the future."))
        return day


# --- flags, advances, runs -------------------------------------------------------------------------------


class FlagForm(StyledForm):
    """A regional manager flags one of the region's distributors for cross-region selling."""

    distributor = forms.ModelChoiceField(queryset=Distributor.objects.none(), label=_("distributor"))
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    evidence = forms.CharField(label=_("evidence"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, user=None, **kwargs):
        from yingxiao.accounts.choices import Role
        from yingxiao.accounts.selectors import scope_of

        super().__init__(*args, **kwargs)
        regions = scope_of(user).role_regions.get(Role.REGIONAL_MANAGER, frozenset())
        field = self.fields["distributor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Distributor.objects.filter(region__in=regions).order_by("code")
        self.fields["year"].initial = timezone.localdate().year


class AdvanceForm(StyledForm):
    """Finance records a rebate advance."""

    distributor = forms.ModelChoiceField(
        queryset=Distributor.objects.order_by("code"), label=_("distributor")
    )
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label=_("paid on"), initial=timezone.localdate, widget=_date_input())
    reference = forms.CharField(label=_("reference"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class RunStartForm(StyledForm):
    """Which active policy customer service calculates."""

    policy = forms.ModelChoiceField(
        queryset=RebatePolicy.objects.filter(status=PolicyStatus.ACTIVE).order_by("-year", "number"),
        label=_("policy"),
    )


# --- filters ---------------------------------------------------------------------------------------------


def _distributor_filter():
    return django_filters.ModelChoiceFilter(
        queryset=scoped_choices(distributors_for),
        to_field_name="code",
        label=_("distributor"),
        empty_label=_("All distributors"),
    )


class PolicyFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=PolicyStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = RebatePolicy
        fields = ["status", "year"]


class RunFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=RunStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    year = django_filters.NumberFilter(label=_("year"))

    class Meta:
        model = RebateRun
        fields = ["status", "year"]


class ResultFilter(StyledFilterSet):
    region = RegionChoiceFilter()
    distributor = _distributor_filter()

    class Meta:
        model = RebateResult
        fields = ["region", "distributor"]


class LineFilter(StyledFilterSet):
    distributor = _distributor_filter()

    class Meta:
        model = RebateLine
        fields = ["distributor"]


class StatementFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(
        choices=StatementStatus.choices, label=_("status"), empty_label=_("All statuses")
    )
    year = django_filters.NumberFilter(label=_("year"))
    region = RegionChoiceFilter()
    distributor = _distributor_filter()
    run = django_filters.NumberFilter(field_name="run", widget=forms.HiddenInput)

    class Meta:
        model = Statement
        fields = ["status", "year", "region", "distributor", "run"]


class FlagFilter(StyledFilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    distributor = _distributor_filter()

    class Meta:
        model = CrossRegionFlag
        fields = ["year", "distributor"]


class AdvanceFilter(StyledFilterSet):
    year = django_filters.NumberFilter(label=_("year"))
    distributor = _distributor_filter()

    class Meta:
        model = RebateAdvance
        fields = ["year", "distributor"]
