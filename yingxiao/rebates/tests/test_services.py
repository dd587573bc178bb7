"""The rebate services: who may write, and bad input refused with an error naming the field and nothing
written (policies with their tiers and bands, revisions, flags, advances, starting runs)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yingxiao.core.exceptions import Conflict
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.rebates.choices import PolicyScope, PolicyStatus
from yingxiao.rebates.models import CrossRegionFlag, RebateAdvance, RebatePolicy, RebateRun, RebateTier
from yingxiao.rebates.services import (
    advance_record,
    cross_region_flag,
    cross_region_flag_lift,
    policy_revise,
    policy_update,
    run_recalculate,
    run_start,
    scope_key_of,
)

from .builders import TIERS, active_policy, fresh_year, last_year, new_policy, person, run_in, take

pytestmark = pytest.mark.django_db
D = Decimal


def refused(field: str, **overrides) -> ValidationError:
    """policy_create with `overrides` is refused naming `field`, and writes nothing."""
    before = (RebatePolicy.objects.count(), RebateTier.objects.count())
    with pytest.raises(ValidationError) as error:
        new_policy(**overrides)
    assert field in error.value.message_dict, error.value.message_dict
    assert (RebatePolicy.objects.count(), RebateTier.objects.count()) == before
    return error.value


# --- policies ------------------------------------------------------------------------------------------


def test_a_draft_keeps_its_tiers_sorted_and_its_canonical_scope():
    east, north = Region.objects.get(code="east"), Region.objects.get(code="north")
    policy = new_policy(
        scope=PolicyScope.REGIONS,
        regions=[north, east],
        grades=["A"],  # not the scope's list: ignored
        tiers=[(D("500000"), D("0.02")), (D("0"), D("0.005"))],
    )
    assert policy.status == PolicyStatus.DRAFT and policy.number.startswith("FLZC-")
    assert policy.scope_key == f"regions:{min(east.pk, north.pk)},{max(east.pk, north.pk)}"
    assert policy.grades == []
    assert [(t.threshold, t.rate) for t in policy.tiers.all()] == [
        (D("0"), D("0.0050")),
        (D("500000"), D("0.0200")),
    ]


def test_scope_keys_do_not_depend_on_order():
    a, b = Distributor.objects.filter(code__in=["E01", "N01"]).order_by("code")
    assert scope_key_of("distributors", [], [], [b, a]) == scope_key_of("distributors", [], [], [a, b])
    assert scope_key_of("grades", [], ["B", "A", "B"], []) == "grades:A,B"
    assert scope_key_of("all", [], ["A"], [a]) == "all"


def test_duplicate_thresholds_are_refused():
    error = refused("threshold", tiers=[(D("100000"), D("0.01")), (D("100000.00"), D("0.02"))])
    assert "100,000" in error.message_dict["threshold"][0]


@pytest.mark.parametrize("rate", ["1.0001", "1.5", "-0.01"])
def test_a_rate_outside_0_to_100_percent_is_refused(rate):
    refused("rate", tiers=[(D("0"), D(rate))])


def test_a_higher_tier_with_a_lower_rate_is_refused():
    refused("rate", tiers=[(D("0"), D("0.03")), (D("100000"), D("0.01"))])


def test_tiers_are_required_and_thresholds_are_not_negative():
    refused("tiers", tiers=[])
    refused("threshold", tiers=[(D("-1"), D("0.01"))])


def test_the_payment_speed_factor_needs_bands_ending_with_an_open_one():
    refused("speed_bands", payment_speed_factor=True, speed_bands=[])
    refused("max_days", payment_speed_factor=True, speed_bands=[(30, D("1")), (60, D("0.8"))])
    refused(
        "max_days", payment_speed_factor=True, speed_bands=[(30, D("1")), (30, D("0.8")), (None, D("0.5"))]
    )
    refused("factor", payment_speed_factor=True, speed_bands=[(None, D("1.2"))])
    policy = new_policy(payment_speed_factor=True, speed_bands=[(None, D("0.5")), (30, D("1"))])
    assert [(b.max_days, b.factor) for b in policy.speed_bands.all()] == [
        (30, D("1.0000")),
        (None, D("0.5000")),
    ]


def test_bands_are_dropped_when_the_factor_is_off():
    policy = new_policy(payment_speed_factor=False, speed_bands=[(None, D("0.5"))])
    assert not policy.speed_bands.exists()


def test_a_partial_scope_needs_its_list():
    refused("regions", scope=PolicyScope.REGIONS)
    refused("grades", scope=PolicyScope.GRADES, grades=["Z"])
    refused("distributors", scope=PolicyScope.DISTRIBUTORS)


def test_a_second_policy_for_an_active_scope_and_year_is_refused_naming_the_scope():
    first = active_policy()
    error = refused("scope", year=first.year, scope=first.scope, grades=first.grades)
    assert first.number in error.message_dict["scope"][0]


def test_only_the_market_department_drafts_policies():
    for username in ("director", "finance", "rep_east", "dist_e01"):
        with pytest.raises(PermissionDenied):
            new_policy(by=username)


def test_only_a_draft_is_changed_and_an_active_policy_is_revised_instead():
    policy = new_policy()
    values = {
        "year": policy.year,
        "name": "改名",
        "scope": policy.scope,
        "grades": policy.grades,
        "tiers": TIERS,
    }
    policy = policy_update(actor=person("market_manager"), policy=policy, **values)
    assert policy.name == "改名"
    with pytest.raises(PermissionDenied):
        policy_update(actor=person("director"), policy=policy, **values)
    active = active_policy()
    with pytest.raises(Conflict):
        policy_update(actor=person("marketer"), policy=active, **{**values, "year": active.year})
    with pytest.raises(Conflict):
        policy_revise(actor=person("marketer"), policy=policy)  # a draft is not revised
    revision = policy_revise(actor=person("marketer"), policy=active)
    with pytest.raises(Conflict):
        policy_revise(actor=person("marketer"), policy=active)  # one revision at a time
    with pytest.raises(ValidationError) as error:
        policy_update(
            actor=person("marketer"),
            policy=revision,
            **{**values, "year": active.year + 1, "scope": active.scope, "grades": active.grades},
        )
    assert "year" in error.value.message_dict


# --- flags and advances --------------------------------------------------------------------------------


def test_the_regional_manager_flags_his_regions_distributor_and_the_director_may_lift_it():
    east = Distributor.objects.get(code="E01")
    with pytest.raises(PermissionDenied):
        cross_region_flag(actor=person("manager_north"), distributor=east, year=2025, evidence="照片")
    with pytest.raises(ValidationError) as error:
        cross_region_flag(actor=person("manager_east"), distributor=east, year=2025, evidence="  ")
    assert "evidence" in error.value.message_dict
    flag = cross_region_flag(
        actor=person("manager_east"), distributor=east, year=2025, evidence="在华北低价销售"
    )
    with pytest.raises(PermissionDenied):
        cross_region_flag_lift(actor=person("manager_north"), flag=flag)
    flag = cross_region_flag_lift(actor=person("director"), flag=flag)
    assert flag.lifted_by.username == "director"
    with pytest.raises(Conflict):
        cross_region_flag_lift(actor=person("manager_east"), flag=flag)
    assert CrossRegionFlag.objects.filter(pk=flag.pk, lifted_at__isnull=False).exists()


def test_finance_records_advances_of_more_than_zero():
    east = Distributor.objects.get(code="E01")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        advance_record(actor=person("director"), distributor=east, year=2025, amount=D("10"), paid_on=today)
    with pytest.raises(ValidationError) as error:
        advance_record(actor=person("finance"), distributor=east, year=2025, amount=D("0"), paid_on=today)
    assert "amount" in error.value.message_dict
    advance = advance_record(
        actor=person("finance"), distributor=east, year=2025, amount=D("10.005"), paid_on=today
    )
    assert RebateAdvance.objects.get(pk=advance.pk).amount == D("10.01")


# --- runs ----------------------------------------------------------------------------------------------


def test_only_customer_service_starts_a_run_of_an_active_policy_of_a_past_year():
    draft = new_policy(year=fresh_year())
    with pytest.raises(PermissionDenied):
        run_start(actor=person("finance"), policy=draft)
    with pytest.raises(ValidationError) as error:
        run_start(actor=person("service"), policy=draft)
    assert "policy" in error.value.message_dict
    this_year = active_policy(year=timezone.localdate().year, scope=PolicyScope.GRADES, grades=["C"])
    with pytest.raises(ValidationError) as error:
        run_start(actor=person("service"), policy=this_year)
    assert str(this_year.year) in error.value.message_dict["policy"][0]


def test_a_run_computes_at_once_with_the_test_task_backend():
    policy = active_policy(
        year=last_year(), scope=PolicyScope.DISTRIBUTORS, distributors=[Distributor.objects.get(code="E01")]
    )
    run = run_start(actor=person("service"), policy=policy)
    assert (run.status, run.calc_status, run.progress, run.distributor_count) == (
        "calculated",
        "done",
        100,
        1,
    )
    assert run.number.startswith("FLJS-") and run.year == last_year()
    assert run.lines.count() == run.line_count > 0


def test_no_run_starts_for_a_policy_whose_statements_are_issued():
    demo = RebatePolicy.objects.get(status="active", year=last_year(), scope_key="all")
    assert RebateRun.objects.filter(policy=demo, status="issued").exists()
    with pytest.raises(Conflict):
        run_start(actor=person("service"), policy=demo)


def test_no_second_run_starts_while_one_of_the_policy_is_in_progress():
    policy = active_policy(
        year=last_year(), scope=PolicyScope.DISTRIBUTORS, distributors=[Distributor.objects.get(code="N02")]
    )
    for state in ("calculated", "director_review", "finance_review", "president_review"):
        run = run_in(state, policy)
        with pytest.raises(Conflict) as error:
            run_start(actor=person("service"), policy=policy)
        assert error.value.code == "run_in_progress" and run.number in error.value.detail
        RebateRun.objects.filter(pk=run.pk).update(status="returned")  # test arrangement: set aside
    before = RebateRun.objects.filter(policy=policy).count()
    run = run_in("director_review", policy)
    returned = take(run, "reject", "director", comment="回款天数有误")
    assert returned.status == "returned"
    again = run_start(actor=person("service"), policy=policy)  # sent back: the policy is free again
    assert again.status == "calculated"
    with pytest.raises(Conflict) as error:  # a recalculation too waits for the run in progress
        run_recalculate(actor=person("service"), run=returned)
    assert error.value.code == "run_in_progress" and again.number in error.value.detail
    assert RebateRun.objects.filter(policy=policy).count() == before + 2


def test_no_run_starts_and_nothing_is_recalculated_once_a_run_of_the_policy_is_issued():
    policy = active_policy(
        year=last_year(), scope=PolicyScope.DISTRIBUTORS, distributors=[Distributor.objects.get(code="S03")]
    )
    returned = take(run_in("director_review", policy), "reject", "director", comment="重算")
    issued = run_in("issued", policy)
    before = RebateRun.objects.count()
    with pytest.raises(Conflict) as error:
        run_start(actor=person("service"), policy=policy)
    assert error.value.code == "already_issued" and issued.number in error.value.detail
    with pytest.raises(Conflict) as error:
        run_recalculate(actor=person("service"), run=returned)
    assert error.value.code == "already_issued"
    assert RebateRun.objects.count() == before
