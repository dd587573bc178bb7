"""Writes of the rebates app: policies (drafts, revisions and the effects of their approval), cross-region
flags, advances, calculation runs (start, recalculation, the effects of their approvals) and statements
(dispute, reissue, payout). Steps are taken by the engine (`workflow.services.perform`); the functions
named `<thing>_<verb>(document, actor, data)` here are the guards and effects its flow tables call."""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import scope_of
from yingxiao.catalog.models import ProductCategory
from yingxiao.core.exceptions import Conflict
from yingxiao.core.money import to_money
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorGrade
from yingxiao.partners.models import Distributor
from yingxiao.workflow.services import document_start

from .choices import CalcStatus, PolicyScope, PolicyStatus, RunStatus, TierMode
from .models import (
    CrossRegionFlag,
    PaymentSpeedBand,
    RebateAdvance,
    RebatePayout,
    RebatePolicy,
    RebateResult,
    RebateRun,
    RebateTier,
    Statement,
)

#: Who drafts rebate policies: the market department (市场部).
DRAFTERS = (Role.MARKETING_STAFF, Role.MARKET_MANAGER)

TierInput = tuple[Decimal, Decimal]  # threshold (of the base, inclusive), rate as a fraction (0.035 = 3.5 %)
BandInput = tuple[int | None, Decimal]  # paid within (days; None = any slower payer), factor (0 … 1)

MAX_TIERS = 20
MAX_BANDS = 10
MAX_BASE = Decimal("99999999999999.99")


def _require(actor: User, roles: Sequence[str], message: str) -> None:
    if not scope_of(actor).has_role(*roles):
        raise PermissionDenied(message)


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


# --- policies ------------------------------------------------------------------------------------------


def scope_key_of(
    scope: str, regions: Iterable[Region], grades: Iterable[str], distributors: Iterable[Distributor]
) -> str:
    """The canonical text of a scope ("all", "regions:1,4", "grades:A,B", "distributors:7,9"), so that one
    active policy per year and scope is a database constraint."""
    if scope == PolicyScope.REGIONS:
        return "regions:" + ",".join(str(pk) for pk in sorted({r.pk for r in regions}))
    if scope == PolicyScope.GRADES:
        return "grades:" + ",".join(sorted(set(grades)))
    if scope == PolicyScope.DISTRIBUTORS:
        return "distributors:" + ",".join(str(pk) for pk in sorted({d.pk for d in distributors}))
    return "all"


def _clean_scope(
    scope: str, regions: Sequence[Region], grades: Sequence[str], distributors: Sequence[Distributor]
) -> tuple[list[Region], list[str], list[Distributor]]:
    """The scope's own list, the others emptied; refuses an empty list for a partial scope."""
    if scope not in PolicyScope.values:
        raise ValidationError({"scope": _("Choose who the policy covers.")})
    regions, grades, distributors = list(regions or ()), list(grades or ()), list(distributors or ())
    if scope == PolicyScope.REGIONS and not regions:
        raise ValidationError({"regions": _("Choose the regions the policy covers.")})
    if scope == PolicyScope.GRADES:
        unknown = [g for g in grades if g not in DistributorGrade.values]
        if unknown or not grades:
            raise ValidationError({"grades": _("Choose the distributor grades the policy covers.")})
    if scope == PolicyScope.DISTRIBUTORS and not distributors:
        raise ValidationError({"distributors": _("Choose the distributors the policy covers.")})
    return (
        regions if scope == PolicyScope.REGIONS else [],
        sorted(set(grades)) if scope == PolicyScope.GRADES else [],
        distributors if scope == PolicyScope.DISTRIBUTORS else [],
    )


def check_tiers(tiers: Sequence[TierInput]) -> list[TierInput]:
    """Tiers sorted by threshold; refuses none, too many, duplicate thresholds, rates outside 0–100 % and
    a higher tier with a lower rate (the rebate must never fall as purchases grow)."""
    if not tiers:
        raise ValidationError({"tiers": _("Add at least one tier.")})
    if len(tiers) > MAX_TIERS:
        raise ValidationError({"tiers": _("At most %(n)d tiers.") % {"n": MAX_TIERS}})
    cleaned: list[TierInput] = []
    for threshold, rate in tiers:
        if threshold is None or rate is None:
            raise ValidationError({"tiers": _("Each tier needs a threshold and a rate.")})
        threshold, rate = Decimal(threshold), Decimal(rate)
        if not Decimal(0) <= threshold <= MAX_BASE:
            raise ValidationError({"threshold": _("A threshold must be zero or more.")})
        if threshold.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError({"threshold": _("A threshold has at most two decimals.")})
        if not Decimal(0) <= rate <= Decimal(1):
            raise ValidationError({"rate": _("A rate is between 0 and 100%.")})
        if rate.as_tuple().exponent < -4:  # type: ignore[operator]
            raise ValidationError({"rate": _("A rate has at most two decimals in percent (e.g. 3.25%).")})
        cleaned.append((threshold, rate))
    cleaned.sort(key=lambda tier: tier[0])
    for (low, low_rate), (high, high_rate) in zip(cleaned, cleaned[1:], strict=False):
        if low == high:
            raise ValidationError(
                {"threshold": _("Two tiers start at %(threshold)s.") % {"threshold": f"{low:,}"}}
            )
        if high_rate < low_rate:
            raise ValidationError(
                {
                    "rate": _("The tier from %(high)s has a lower rate than the tier from %(low)s.")
                    % {"high": f"{high:,}", "low": f"{low:,}"}
                }
            )
    return cleaned


def check_bands(bands: Sequence[BandInput], enabled: bool) -> list[BandInput]:
    """Payment-speed bands sorted by days (the open-ended one last); required when the factor is on."""
    if not enabled:
        return []
    if not bands:
        raise ValidationError({"speed_bands": _("Add the payment-speed bands, or turn the factor off.")})
    if len(bands) > MAX_BANDS:
        raise ValidationError({"speed_bands": _("At most %(n)d bands.") % {"n": MAX_BANDS}})
    cleaned: list[BandInput] = []
    for max_days, factor in bands:
        if factor is None:
            raise ValidationError({"factor": _("Each band needs a factor.")})
        factor = Decimal(factor)
        if not Decimal(0) <= factor <= Decimal(1):
            raise ValidationError({"factor": _("A factor is between 0 and 100%.")})
        if max_days is not None and not 0 <= int(max_days) <= 3650:
            raise ValidationError({"max_days": _("Days to pay are between 0 and 3650.")})
        cleaned.append((None if max_days is None else int(max_days), factor))
    days = [d for d, _f in cleaned]
    if len(set(days)) != len(days):
        raise ValidationError({"max_days": _("Two bands have the same number of days.")})
    if None not in days:
        raise ValidationError(
            {"max_days": _("Leave the days of the last band empty: it covers any slower payer.")}
        )
    cleaned.sort(key=lambda band: (band[0] is None, band[0] or 0))
    return cleaned


def _active_other(year: int, scope_key: str, excluding: Sequence[int | None]) -> RebatePolicy | None:
    return (
        RebatePolicy.objects.filter(year=year, scope_key=scope_key, status=PolicyStatus.ACTIVE)
        .exclude(pk__in=[pk for pk in excluding if pk])
        .first()
    )


def _refuse_second_active(policy: RebatePolicy) -> None:
    other = _active_other(policy.year, policy.scope_key, [policy.pk, policy.previous_id])
    if other is not None:
        raise ValidationError(
            {
                "scope": _(
                    "%(number)s is already the active policy for these distributors in %(year)s: make a new "
                    "revision of it instead of a second policy."
                )
                % {"number": other.number, "year": policy.year}
            }
        )


def _write_policy(
    policy: RebatePolicy,
    *,
    regions: Sequence[Region],
    distributors: Sequence[Distributor],
    categories: Sequence[ProductCategory],
    tiers: Sequence[TierInput],
    speed_bands: Sequence[BandInput],
) -> None:
    policy.regions.set(regions)
    policy.distributors.set(distributors)
    policy.categories.set(categories)
    policy.tiers.all().delete()
    policy.speed_bands.all().delete()
    RebateTier.objects.bulk_create([RebateTier(policy=policy, threshold=t, rate=r) for t, r in tiers])
    PaymentSpeedBand.objects.bulk_create(
        [PaymentSpeedBand(policy=policy, max_days=d, factor=f) for d, f in speed_bands]
    )


def _fill_policy(
    policy: RebatePolicy,
    *,
    year: int,
    name: str,
    scope: str,
    regions: Sequence[Region],
    grades: Sequence[str],
    distributors: Sequence[Distributor],
    basis: str,
    tier_mode: str,
    payment_speed_factor: bool,
    forfeit_cross_region: bool,
    note: str,
    tiers: Sequence[TierInput],
    speed_bands: Sequence[BandInput],
) -> tuple[list[Region], list[Distributor], list[TierInput], list[BandInput]]:
    region_list, grade_list, distributor_list = _clean_scope(scope, regions, grades, distributors)
    tier_list = check_tiers(tiers)
    band_list = check_bands(speed_bands, payment_speed_factor)
    if tier_mode not in TierMode.values:
        raise ValidationError({"tier_mode": _("Choose how the tier rates apply.")})
    policy.year, policy.name, policy.scope, policy.grades = year, (name or "").strip(), scope, grade_list
    policy.basis, policy.tier_mode, policy.note = basis, tier_mode, note or ""
    policy.payment_speed_factor, policy.forfeit_cross_region = payment_speed_factor, forfeit_cross_region
    policy.scope_key = scope_key_of(scope, region_list, grade_list, distributor_list)
    return region_list, distributor_list, tier_list, band_list


@transaction.atomic
def policy_create(
    *,
    actor: User,
    year: int,
    name: str,
    scope: str = PolicyScope.ALL,
    regions: Sequence[Region] = (),
    grades: Sequence[str] = (),
    distributors: Sequence[Distributor] = (),
    basis: str = "amount",
    categories: Sequence[ProductCategory] = (),
    tier_mode: str = TierMode.RETROACTIVE,
    payment_speed_factor: bool = False,
    forfeit_cross_region: bool = False,
    note: str = "",
    tiers: Sequence[TierInput] = (),
    speed_bands: Sequence[BandInput] = (),
) -> RebatePolicy:
    """Draft a year's rebate policy (the market department)."""
    from .workflow import POLICY_FLOW

    _require(actor, DRAFTERS, _("Only the market department drafts rebate policies."))
    policy = RebatePolicy()
    region_list, distributor_list, tier_list, band_list = _fill_policy(
        policy,
        year=year,
        name=name,
        scope=scope,
        regions=regions,
        grades=grades,
        distributors=distributors,
        basis=basis,
        tier_mode=tier_mode,
        payment_speed_factor=payment_speed_factor,
        forfeit_cross_region=forfeit_cross_region,
        note=note,
        tiers=tiers,
        speed_bands=speed_bands,
    )
    _refuse_second_active(policy)
    document_start(flow=POLICY_FLOW, document=policy, actor=actor)
    _write_policy(
        policy,
        regions=region_list,
        distributors=distributor_list,
        categories=categories,
        tiers=tier_list,
        speed_bands=band_list,
    )
    return policy


@transaction.atomic
def policy_update(
    *,
    actor: User,
    policy: RebatePolicy,
    year: int,
    name: str,
    scope: str = PolicyScope.ALL,
    regions: Sequence[Region] = (),
    grades: Sequence[str] = (),
    distributors: Sequence[Distributor] = (),
    basis: str = "amount",
    categories: Sequence[ProductCategory] = (),
    tier_mode: str = TierMode.RETROACTIVE,
    payment_speed_factor: bool = False,
    forfeit_cross_region: bool = False,
    note: str = "",
    tiers: Sequence[TierInput] = (),
    speed_bands: Sequence[BandInput] = (),
) -> RebatePolicy:
    """Change a draft policy (the market department). An active policy is frozen: revise it instead."""
    _require(actor, DRAFTERS, _("Only the market department changes rebate policies."))
    policy = RebatePolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.status != PolicyStatus.DRAFT:
        raise Conflict(
            _("Only a draft can be changed; %(number)s is %(state)s.")
            % {"number": policy.number, "state": policy.get_status_display()},
            code="not_editable",
        )
    if policy.previous_id and year != policy.year:
        raise ValidationError({"year": _("A revision keeps the year of the policy it revises.")})
    region_list, distributor_list, tier_list, band_list = _fill_policy(
        policy,
        year=year,
        name=name,
        scope=scope,
        regions=regions,
        grades=grades,
        distributors=distributors,
        basis=basis,
        tier_mode=tier_mode,
        payment_speed_factor=payment_speed_factor,
        forfeit_cross_region=forfeit_cross_region,
        note=note,
        tiers=tiers,
        speed_bands=speed_bands,
    )
    _refuse_second_active(policy)
    policy.full_clean()
    policy.save()
    _write_policy(
        policy,
        regions=region_list,
        distributors=distributor_list,
        categories=categories,
        tiers=tier_list,
        speed_bands=band_list,
    )
    return policy


@transaction.atomic
def policy_revise(*, actor: User, policy: RebatePolicy) -> RebatePolicy:
    """A new draft copying an active policy (revision + 1); approving it supersedes the old one."""
    from .workflow import POLICY_FLOW

    _require(actor, DRAFTERS, _("Only the market department drafts rebate policies."))
    policy = RebatePolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.status != PolicyStatus.ACTIVE:
        raise Conflict(_("Only the active policy can be revised."), code="not_active")
    pending = policy.revisions.filter(status__in=[PolicyStatus.DRAFT, PolicyStatus.DIRECTOR_REVIEW]).first()
    if pending is not None:
        raise Conflict(
            _("Revision %(number)s of this policy is already being drafted.") % {"number": pending.number},
            code="revision_pending",
        )
    revision = RebatePolicy(
        year=policy.year,
        name=policy.name,
        revision=policy.revision + 1,
        previous=policy,
        scope=policy.scope,
        grades=list(policy.grades),
        scope_key=policy.scope_key,
        basis=policy.basis,
        tier_mode=policy.tier_mode,
        payment_speed_factor=policy.payment_speed_factor,
        forfeit_cross_region=policy.forfeit_cross_region,
        note=policy.note,
    )
    document_start(flow=POLICY_FLOW, document=revision, actor=actor)
    _write_policy(
        revision,
        regions=list(policy.regions.all()),
        distributors=list(policy.distributors.all()),
        categories=list(policy.categories.all()),
        tiers=[(t.threshold, t.rate) for t in policy.tiers.all()],
        speed_bands=[(b.max_days, b.factor) for b in policy.speed_bands.all()],
    )
    return revision


def policy_complete(policy: RebatePolicy, actor: User, data: dict) -> None:
    """Guard of submit: tiers (and bands when the speed factor is on) are there."""
    check_tiers([(t.threshold, t.rate) for t in policy.tiers.all()])
    check_bands([(b.max_days, b.factor) for b in policy.speed_bands.all()], policy.payment_speed_factor)


def policy_may_activate(policy: RebatePolicy, actor: User, data: dict) -> None:
    """Guard of approve: no other active policy for the same year and scope (except the one revised)."""
    _refuse_second_active(policy)


def scope_label(policy: RebatePolicy) -> str:
    """Who the policy covers, in words: "all distributors", "regions 华东、华南", "grades A, B",
    "distributors E01, N01"."""
    if policy.scope == PolicyScope.REGIONS:
        names = "、".join(r.name for r in policy.regions.order_by("code"))
        return _("regions %(names)s") % {"names": names}
    if policy.scope == PolicyScope.GRADES:
        return _("grades %(grades)s") % {"grades": ", ".join(policy.grades)}
    if policy.scope == PolicyScope.DISTRIBUTORS:
        codes = ", ".join(d.code for d in policy.distributors.order_by("code"))
        return _("distributors %(codes)s") % {"codes": codes}
    return _("all distributors")


def _claim_scope(policy: RebatePolicy) -> None:
    """Make the policy the active one of its year and scope, or refuse with 409. The guard has checked
    that no other policy is active, but two policies for the same scope approved at the same instant
    both pass it; the database's constraint (`rebate_policy_one_active_per_scope`) decides between them.
    The status the engine is about to write is written here first, in a savepoint, so that the loser's
    violation is caught (a clean 409 naming the scope, nothing written) instead of failing the engine's
    save with a 500. On PostgreSQL the loser waits for the winner's commit, then gets the violation."""
    try:
        with transaction.atomic():
            RebatePolicy.objects.filter(pk=policy.pk).update(status=PolicyStatus.ACTIVE)
    except IntegrityError:
        raise Conflict(
            _(
                "Another policy for %(scope)s in %(year)s has just been approved: %(number)s stays "
                "awaiting approval. Make a revision of the active policy instead."
            )
            % {"scope": scope_label(policy), "year": policy.year, "number": policy.number},
            code="scope_taken",
        ) from None


def policy_activate(policy: RebatePolicy, actor: User, data: dict) -> dict:
    """Effect of approve: the revised policy, if still active, is superseded in the same transaction;
    then the policy claims its year and scope (409 if another policy just took it)."""
    from yingxiao.workflow.services import perform

    previous = policy.previous
    changes: list[str] = []
    if previous is not None and previous.status == PolicyStatus.ACTIVE:
        perform(document=previous, action="supersede", actor=actor, comment=policy.number)
        changes.append(_("%(number)s superseded") % {"number": previous.number})
    _claim_scope(policy)
    return {"changes": changes} if changes else {}


def policy_being_replaced(policy: RebatePolicy, actor: User, data: dict) -> None:
    """Guard of supersede: only while a newer revision is being approved (never by hand)."""
    if not policy.revisions.filter(status=PolicyStatus.DIRECTOR_REVIEW).exists():
        raise Conflict(
            _("A policy is superseded only by approving a newer revision of it."), code="no_revision"
        )


def policy_active_for(policy: RebatePolicy) -> RebatePolicy:
    """The policy itself, or the active revision that superseded it."""
    current = policy
    for _hop in range(50):
        if current.status != PolicyStatus.SUPERSEDED:
            break
        newer = current.revisions.filter(status__in=[PolicyStatus.ACTIVE, PolicyStatus.SUPERSEDED]).first()
        if newer is None:
            break
        current = newer
    return current


# --- cross-region flags (窜货) and advances ---------------------------------------------------------------


@transaction.atomic
def cross_region_flag(*, actor: User, distributor: Distributor, year: int, evidence: str) -> CrossRegionFlag:
    """A regional manager flags a distributor of their region for selling outside it, with evidence."""
    if not scope_of(actor).role_reaches(Role.REGIONAL_MANAGER, region_id=distributor.region_id):
        raise PermissionDenied(_("Only the manager of the distributor's region can flag it."))
    flag = CrossRegionFlag(
        distributor=distributor, year=year, evidence=(evidence or "").strip(), flagged_by=actor
    )
    if not flag.evidence:
        raise ValidationError({"evidence": _("Describe the evidence.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    flag.full_clean()
    flag.save()
    return flag


@transaction.atomic
def cross_region_flag_lift(*, actor: User, flag: CrossRegionFlag) -> CrossRegionFlag:
    """Lift a flag (the region's manager, or the director): the distributor keeps its rebate."""
    flag = CrossRegionFlag.objects.select_for_update().select_related("distributor").get(pk=flag.pk)
    scope = scope_of(actor)
    if not (
        scope.role_reaches(Role.REGIONAL_MANAGER, region_id=flag.distributor.region_id)
        or scope.holds_company_wide(Role.MARKETING_DIRECTOR)
    ):
        raise PermissionDenied(_("Only the manager of the distributor's region or the director can lift it."))
    if flag.lifted_at is not None:
        raise Conflict(_("This flag is already lifted."), code="already_lifted")
    flag.lifted_at, flag.lifted_by = timezone.now(), actor
    flag.save(update_fields=["lifted_at", "lifted_by", "updated_at"])
    return flag


@transaction.atomic
def advance_record(
    *,
    actor: User,
    distributor: Distributor,
    year: int,
    amount: Decimal,
    paid_on: date,
    reference: str = "",
) -> RebateAdvance:
    """Finance records a rebate paid ahead during the year; the year's run deducts it."""
    _require(actor, (Role.FINANCE,), _("Only finance records rebate advances."))
    if amount is None or to_money(amount) <= 0:
        raise ValidationError({"amount": _("An advance must be more than zero.")})
    advance = RebateAdvance(
        distributor=distributor,
        year=year,
        amount=to_money(amount),
        paid_on=paid_on,
        reference=reference or "",
        recorded_by=actor,
    )
    advance.full_clean()
    advance.save()
    return advance


# --- runs ------------------------------------------------------------------------------------------------


def _refuse_when_issued(policy: RebatePolicy) -> None:
    issued = RebateRun.objects.filter(policy=policy, status=RunStatus.ISSUED).first()
    if issued is not None:
        raise Conflict(
            _("%(run)s has already issued the statements of %(policy)s.")
            % {"run": issued.number, "policy": policy.number},
            code="already_issued",
        )


def _refuse_when_in_progress(policy: RebatePolicy) -> None:
    """One open run per policy: a run neither sent back nor issued must finish first, so that no run
    waits for an approval that would have to fail (only one run of a policy may issue statements)."""
    open_run = (
        RebateRun.objects.filter(policy=policy)
        .exclude(status__in=[RunStatus.RETURNED, RunStatus.ISSUED])
        .order_by("pk")
        .first()
    )
    if open_run is not None:
        raise Conflict(
            _(
                "%(run)s of %(policy)s is still in progress (%(state)s): it must be issued or sent back "
                "before the policy is calculated again."
            )
            % {"run": open_run.number, "policy": policy.number, "state": open_run.get_status_display()},
            code="run_in_progress",
        )


@transaction.atomic
def run_start(*, actor: User, policy: RebatePolicy, previous: RebateRun | None = None) -> RebateRun:
    """Customer service starts the calculation of an active policy over its year's ledger; the computation
    runs in the background (`compute_rebate_run`) and the run page shows its progress. Refused (409) while
    another run of the policy is in progress, or once one has issued its statements."""
    from .tasks import compute_rebate_run
    from .workflow import RUN_FLOW

    _require(actor, (Role.CUSTOMER_SERVICE,), _("Only customer service starts a rebate calculation."))
    policy = RebatePolicy.objects.select_for_update().get(pk=policy.pk)
    if policy.status != PolicyStatus.ACTIVE:
        raise ValidationError({"policy": _("Only an active policy can be calculated.")})
    if policy.year >= timezone.localdate().year:
        raise ValidationError(
            {
                "policy": _("%(year)s is not over yet: rebates are calculated after the year ends.")
                % {"year": policy.year}
            }
        )
    _refuse_when_issued(policy)
    _refuse_when_in_progress(policy)  # the policy's row lock above serialises two starts at once
    run = RebateRun(policy=policy, year=policy.year, previous=previous)
    document_start(flow=RUN_FLOW, document=run, actor=actor)
    compute_rebate_run.enqueue(run.pk)
    run.refresh_from_db()  # an immediate task backend (tests) has computed it already
    return run


@transaction.atomic
def run_recalculate(*, actor: User, run: RebateRun) -> RebateRun:
    """A new run for a run that was sent back (previous = the old one, which stays readable)."""
    run = RebateRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.RETURNED:
        raise Conflict(_("Only a run that was sent back is recalculated."), code="not_returned")
    newer = run.recalculations.first()
    if newer is not None:
        raise Conflict(
            _("%(number)s already recalculates this run.") % {"number": newer.number}, code="recalculated"
        )
    return run_start(actor=actor, policy=policy_active_for(run.policy), previous=run)


def run_computed(run: RebateRun, actor: User, data: dict) -> None:
    """Guard of submit: the computation has finished."""
    if run.calc_status != CalcStatus.DONE:
        raise Conflict(
            _("The computation is not finished (%(state)s).") % {"state": run.get_calc_status_display()},
            code="not_computed",
        )


def run_is_computed(run: RebateRun) -> bool:
    """Whether submit is offered: not while the computation is queued, running or failed."""
    return run.calc_status == CalcStatus.DONE


def run_send_back(run: RebateRun, actor: User, data: dict) -> dict:
    """Effect of finance's send back: the disputed distributors and the note are kept on the run."""
    note = data.get("note") or ""
    distributors = data.get("distributors") or []
    run.disputed = [{"distributor": d.pk, "code": d.code, "name": d.name, "note": note} for d in distributors]
    run.save(update_fields=["disputed", "updated_at"])
    return {"changes": [f"{d.code} {d.name}" for d in distributors]} if distributors else {}


def run_may_issue(run: RebateRun, actor: User, data: dict) -> None:
    """Guard of the president's approval: no other run of the policy has issued statements. `run_start`
    already refuses a second open run; this is the backstop (e.g. runs started before that rule)."""
    _refuse_when_issued(run.policy)


def run_issue_statements(run: RebateRun, actor: User, data: dict) -> dict:
    """Effect of the president's approval: one statement per distributor owed something (amount > 0);
    results of zero stay readable in the run but have nothing to confirm or pay."""
    from .workflow import STATEMENT_FLOW

    results = RebateResult.objects.filter(run=run, amount__gt=0).select_related("distributor", "region")
    count, total = 0, Decimal(0)
    for result in results.order_by("region__code", "distributor__code"):
        statement = Statement(
            run=run,
            result=result,
            distributor=result.distributor,
            region=result.region,
            year=run.year,
            amount=result.amount,
        )
        document_start(flow=STATEMENT_FLOW, document=statement, actor=actor)
        count += 1
        total += result.amount
    transaction.on_commit(lambda: _tell_distributors(run))
    return {"changes": [_("%(count)d statements, %(total)s") % {"count": count, "total": f"¥{total:,.2f}"}]}


def _tell_distributors(run: RebateRun) -> None:
    """After the issue commits: each distributor's portal users learn their statement waits for them."""
    from yingxiao.workflow.permissions import users_waited_for
    from yingxiao.workflow.services import document_url, notify

    from .workflow import STATEMENT_FLOW

    with translation.override(settings.LANGUAGE_CODE):
        for statement in Statement.objects.filter(run=run).select_related("distributor"):
            text = _("%(number)s (%(process)s) waits for you: %(state)s") % {
                "number": statement.number,
                "process": STATEMENT_FLOW.label,
                "state": STATEMENT_FLOW.state_label(statement.status),
            }
            notify(users_waited_for(STATEMENT_FLOW, statement), text, document_url(STATEMENT_FLOW, statement))


# --- statements ------------------------------------------------------------------------------------------


def statement_dispute(statement: Statement, actor: User, data: dict) -> dict:
    """Effect of the distributor's dispute: the reason and the amount it claims."""
    statement.dispute_reason = data["reason"]
    statement.disputed_amount = to_money(data["claimed_amount"])
    statement.save(update_fields=["dispute_reason", "disputed_amount", "updated_at"])
    return {"changes": [_("claimed %(amount)s") % {"amount": f"¥{statement.disputed_amount:,.2f}"}]}


def statement_reissue(statement: Statement, actor: User, data: dict) -> dict:
    """Effect of finance's answer to a dispute: the statement goes back to the distributor, with the amount
    adjusted when finance agrees to change it."""
    changes: list[Any] = []
    amount = data.get("amount")
    if amount is not None and to_money(amount) != statement.amount:
        changes.append(
            _("amount %(old)s → %(new)s")
            % {"old": f"¥{statement.amount:,.2f}", "new": f"¥{to_money(amount):,.2f}"}
        )
        statement.amount = to_money(amount)
    statement.disputed_amount = None
    statement.dispute_reason = ""
    statement.full_clean()
    statement.save(update_fields=["amount", "disputed_amount", "dispute_reason", "updated_at"])
    return {"changes": changes}


def statement_pay(statement: Statement, actor: User, data: dict) -> dict:
    """Effect of finance's payout: the one RebatePayout of the statement (a credit note or a payment).
    The engine's row lock and state check refuse a second payout (409); the one-to-one is the database's
    guarantee behind them."""
    if statement.amount <= 0:
        raise ValidationError({"amount": _("There is nothing to pay on this statement.")})
    try:
        with transaction.atomic():
            payout = RebatePayout.objects.create(
                statement=statement,
                distributor_id=statement.distributor_id,
                amount=statement.amount,
                method=data["method"],
                reference=data.get("reference", ""),
                paid_on=data["paid_on"],
                paid_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("This statement is already paid."), code="already_paid") from None
    return {
        "changes": [
            f"{payout.get_method_display()} ¥{payout.amount:,.2f}"
            + (f" ({payout.reference})" if payout.reference else "")
        ]
    }
