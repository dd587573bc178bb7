"""The engine's rules, through `perform`, on the stock-transfer flow: state and version (409), comment
(400), role, scope, delegation and segregation of duties (403), all-or-nothing effects."""

import dataclasses
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yingxiao.accounts.choices import Role
from yingxiao.accounts.services import delegation_create, membership_grant
from yingxiao.core.exceptions import Conflict
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.models import StockCheck, StockMovement, TransferRequest
from yingxiao.inventory.services import stock_check_create, stock_move
from yingxiao.inventory.tests.helpers import (
    events,
    level,
    new_transfer,
    person,
    recount,
    snapshot,
    stocked_products,
    take,
    transfer_in,
)
from yingxiao.inventory.workflow import TRANSFER_FLOW
from yingxiao.org.models import Region
from yingxiao.workflow.models import NumberSequence
from yingxiao.workflow.permissions import actionable_q
from yingxiao.workflow.selectors import available_steps
from yingxiao.workflow.services import perform

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def actions_for(document, username: str) -> set[str]:
    fresh = TransferRequest.objects.get(pk=document.pk)
    return {s.action for s in available_steps(TRANSFER_FLOW, fresh, person(username))}


def give_rep_east_the_east_manager_role():
    membership_grant(
        actor=person("admin"),
        user=person("rep_east"),
        role=Role.REGIONAL_MANAGER,
        region=Region.objects.get(code="east"),
    )


def delegate(from_user: str, to_user: str, start=TODAY, end=TODAY + timedelta(days=3)):
    return delegation_create(
        actor=person(from_user), from_user=person(from_user), to_user=person(to_user), start=start, end=end
    )


# --- state and version --------------------------------------------------------------------------------


def test_a_step_from_the_wrong_state_is_a_conflict_and_changes_nothing():
    draft = new_transfer()
    before = snapshot(draft)
    with pytest.raises(Conflict) as refused:
        take(draft, "approve", "manager_east")
    assert refused.value.code == "wrong_state"
    assert snapshot(draft) == before
    with pytest.raises(Conflict):
        take(transfer_in("received"), "ship", "warehouse")  # a final state takes nothing


def test_an_unknown_action_is_a_validation_error_naming_the_action():
    draft = new_transfer()
    with pytest.raises(ValidationError) as refused:
        take(draft, "teleport", "rep_east")
    assert "action" in refused.value.message_dict


def test_a_stale_version_is_a_conflict_and_changes_nothing():
    draft = new_transfer()
    assert draft.version == 1
    with pytest.raises(Conflict) as refused:
        take(draft, "submit", "rep_east", expected_version=0)
    assert refused.value.code == "stale_version"
    submitted = take(draft, "submit", "rep_east", expected_version=1)
    assert submitted.version == 2
    before = snapshot(draft)
    # manager_east loaded the page at version 1; the document moved on since
    with pytest.raises(Conflict) as refused:
        take(draft, "approve", "manager_east", expected_version=1)
    assert refused.value.code == "stale_version"
    assert snapshot(draft) == before


def test_perform_rereads_the_document_instead_of_trusting_the_callers_copy():
    draft = new_transfer()
    stale_copy = TransferRequest.objects.get(pk=draft.pk)
    take(draft, "submit", "rep_east")
    # the caller's copy still says "draft", but the engine looks at the row
    with pytest.raises(Conflict):
        perform(document=stale_copy, action="submit", actor=person("rep_east"))
    assert TransferRequest.objects.get(pk=draft.pk).version == 2


# --- comments -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   \n "])
def test_reject_needs_a_comment(comment):
    waiting = transfer_in("manager_review")
    before = snapshot(waiting)
    with pytest.raises(ValidationError) as refused:
        take(waiting, "reject", "manager_east", comment=comment)
    assert "comment" in refused.value.message_dict
    assert snapshot(waiting) == before


def test_manager_reject_sends_it_back_as_a_draft_with_the_reason():
    waiting = transfer_in("manager_review")
    back = take(waiting, "reject", "manager_east", comment="数量偏大")
    assert back.status == "draft"
    last = events(waiting)[-1]
    assert (last.action, last.from_state, last.to_state, last.comment) == (
        "reject",
        "manager_review",
        "draft",
        "数量偏大",
    )
    assert take(back, "submit", "rep_east").status == "manager_review"  # and he can submit again


# --- events -------------------------------------------------------------------------------------------


def test_each_step_writes_one_event_with_who_when_and_the_states():
    document = transfer_in("received")
    trail = [(e.action, e.from_state, e.to_state, e.actor.username, e.on_behalf_of) for e in events(document)]
    assert trail == [
        ("create", "", "draft", "rep_east", None),
        ("submit", "draft", "manager_review", "rep_east", None),
        ("approve", "manager_review", "hq_review", "manager_east", None),
        ("approve", "hq_review", "at_warehouse", "director", None),
        ("ship", "at_warehouse", "in_transit", "warehouse", None),
        ("receive", "in_transit", "received", "warehouse", None),
    ]
    document.refresh_from_db()
    assert document.version == 6
    assert document.submitted_by.username == "rep_east"
    assert document.order_number.startswith("CK-")
    assert document.shipped_at and document.received_at


# --- guards -------------------------------------------------------------------------------------------


def test_submit_refuses_a_wanted_by_date_in_the_past():
    draft = new_transfer()
    TransferRequest.objects.filter(pk=draft.pk).update(wanted_by=TODAY - timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        take(draft, "submit", "rep_east")
    assert "wanted_by" in refused.value.message_dict
    assert snapshot(draft)[0] == "draft"


def test_resubmit_after_an_hq_rejection_needs_a_fresh_stock_check():
    # a stock check recorded before HQ sent the request back does not count
    early = recount("WH-E")
    document = transfer_in("recheck")
    assert early.created_at < document.status_changed_at
    with pytest.raises(ValidationError) as refused:
        take(document, "resubmit", "rep_east")
    assert "stock_check" in refused.value.message_dict
    # nor does a count that was only drafted, or one of another warehouse
    wh_e = StockCheck.objects.get(pk=early.pk).warehouse
    stock_check_create(
        actor=person("rep_east"), warehouse=wh_e, counted_on=TODAY, lines=[(early.lines.first().product, 1)]
    )
    recount("WH-N", by="rep_north")
    with pytest.raises(ValidationError):
        take(document, "resubmit", "rep_east")
    recount("WH-E")
    assert take(document, "resubmit", "rep_east").status == "manager_review"


# --- roles, scope, segregation of duties ----------------------------------------------------------------


def test_another_regions_manager_cannot_approve():
    waiting = transfer_in("manager_review")
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "manager_north")
    assert actions_for(waiting, "manager_north") == set()
    assert actions_for(waiting, "manager_east") == {"approve", "reject"}


def test_the_submitter_cannot_approve_through_a_second_role():
    give_rep_east_the_east_manager_role()
    waiting = take(new_transfer(), "submit", "rep_east")
    before = snapshot(waiting)
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "rep_east")
    with pytest.raises(PermissionDenied):
        take(waiting, "reject", "rep_east", comment="self-review")
    assert snapshot(waiting) == before
    assert actions_for(waiting, "rep_east") == {"withdraw"}
    # …while on a request someone else submitted, the second role works
    other = take(new_transfer(), "submit", "rep_east")
    TransferRequest.objects.filter(pk=other.pk).update(submitted_by=person("manager_east"))
    assert "approve" in actions_for(other, "rep_east")


def test_the_submitter_cannot_approve_through_a_delegation_to_him():
    delegate("manager_east", "rep_east")
    waiting = take(new_transfer(), "submit", "rep_east")
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "rep_east")
    assert actions_for(waiting, "rep_east") == {"withdraw"}


def test_the_submitters_authority_cannot_be_borrowed_to_approve_his_own_request():
    give_rep_east_the_east_manager_role()
    delegate("rep_east", "rep_north")  # rep_east (also a manager) delegates to rep_north
    waiting = take(new_transfer(), "submit", "rep_east")
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "rep_north")
    assert actions_for(waiting, "rep_north") == {"withdraw"}  # what rep_east himself may do, no more
    assert take(waiting, "approve", "manager_east").status == "hq_review"


def test_a_request_submitted_on_someones_behalf_cannot_be_approved_by_that_person():
    give_rep_east_the_east_manager_role()
    delegate("rep_east", "rep_north")
    draft = new_transfer()
    submitted = take(draft, "submit", "rep_north")  # acting for rep_east, the creator
    submit = events(draft)[-1]
    assert (submit.actor.username, submit.on_behalf_of.username) == ("rep_north", "rep_east")
    assert (submitted.submitted_by.username, submitted.submitted_for.username) == ("rep_north", "rep_east")
    with pytest.raises(PermissionDenied):
        take(submitted, "approve", "rep_east")


# --- delegation ---------------------------------------------------------------------------------------


def test_a_delegate_approves_on_behalf_and_the_event_records_both():
    delegate("manager_east", "rep_north")
    waiting = transfer_in("manager_review")
    assert "approve" in actions_for(waiting, "rep_north")
    approved = take(waiting, "approve", "rep_north", comment="代批")
    assert approved.status == "hq_review"
    event = events(waiting)[-1]
    assert (event.action, event.actor.username, event.on_behalf_of.username, event.comment) == (
        "approve",
        "rep_north",
        "manager_east",
        "代批",
    )


def test_acting_under_ones_own_roles_records_no_one_on_behalf():
    delegate("manager_north", "manager_east")  # irrelevant to east's request
    waiting = transfer_in("manager_review")
    take(waiting, "approve", "manager_east")
    assert events(waiting)[-1].on_behalf_of is None


@pytest.mark.parametrize(
    "start, end",
    [
        (TODAY - timedelta(days=10), TODAY - timedelta(days=1)),
        (TODAY + timedelta(days=1), TODAY + timedelta(days=5)),
    ],
    ids=["expired", "not-yet-started"],
)
def test_a_delegation_outside_its_dates_does_not_count(start, end):
    delegate("manager_east", "rep_north", start=start, end=end)
    waiting = transfer_in("manager_review")
    before = snapshot(waiting)
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "rep_north")
    assert snapshot(waiting) == before
    assert actions_for(waiting, "rep_north") == set()


def test_a_delegation_gives_only_the_delegators_authority():
    delegate("manager_east", "rep_north")
    hq = transfer_in("hq_review")
    with pytest.raises(PermissionDenied):
        take(hq, "approve", "rep_north")  # manager_east is no director


# --- all or nothing -----------------------------------------------------------------------------------


def test_an_error_in_an_effect_rolls_back_status_version_events_and_stock(django_capture_on_commit_callbacks):
    plenty, scarce = stocked_products("WH-HQ1", 2)
    # leave only 2 units of `scarce` available at the source
    spare = level(scarce, "WH-HQ1").available - 2
    stock_move(
        actor=person("warehouse"),
        product=scarce,
        warehouse=level(scarce, "WH-HQ1").warehouse,
        kind=MovementKind.ISSUE,
        on_hand=-spare,
    )
    document = transfer_in("hq_review", lines=[(plenty, 4), (scarce, 5)])
    before = snapshot(document)
    plenty_before = level(plenty, "WH-HQ1")
    movements = StockMovement.objects.count()
    sequences = list(NumberSequence.objects.values_list("prefix", "year", "last").order_by("prefix"))
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        take(document, "approve", "director")
    assert callbacks == []  # nobody is told about a step that did not happen
    assert snapshot(document) == before
    after = level(plenty, "WH-HQ1")
    assert (after.on_hand, after.reserved) == (plenty_before.on_hand, plenty_before.reserved)
    assert StockMovement.objects.count() == movements
    assert TransferRequest.objects.get(pk=document.pk).order_number == ""
    assert list(NumberSequence.objects.values_list("prefix", "year", "last").order_by("prefix")) == sequences


def test_an_unexpected_exception_after_the_effect_moved_stock_rolls_it_all_back(monkeypatch):
    document = transfer_in("at_warehouse")
    ship = TRANSFER_FLOW.step("at_warehouse", "ship")

    def ship_then_fail(transfer, actor, data):
        ship.effect(transfer, actor, data)
        raise RuntimeError("carrier API down")

    broken = dataclasses.replace(ship, effect=ship_then_fail)
    monkeypatch.setattr(TRANSFER_FLOW, "steps", [broken if s is ship else s for s in TRANSFER_FLOW.steps])
    line = document.lines.first()
    source, destination = level(line.product, "WH-HQ1"), level(line.product, "WH-E")
    before, movements = snapshot(document), StockMovement.objects.count()
    with pytest.raises(RuntimeError):
        take(document, "ship", "warehouse")
    assert snapshot(document) == before
    assert StockMovement.objects.count() == movements
    assert level(line.product, "WH-HQ1").on_hand == source.on_hand
    assert level(line.product, "WH-HQ1").reserved == source.reserved
    assert level(line.product, "WH-E").in_transit == destination.in_transit
    assert TransferRequest.objects.get(pk=document.pk).shipped_at is None


# --- the two forms of the permission rules agree --------------------------------------------------------


@pytest.mark.parametrize(
    "username",
    ["rep_east", "manager_east", "rep_north", "manager_north", "director", "warehouse", "president"],
)
def test_the_inbox_filter_agrees_with_the_buttons(username):
    """`actionable_q` (the inbox's SQL) and `can_take` (buttons, the engine) give the same answer on every
    transfer request, including a delegation and a submitter holding a second role. Optional steps
    (withdraw) show a button but put nothing in the inbox."""
    give_rep_east_the_east_manager_role()
    delegate("manager_east", "rep_north")
    for state in ("manager_review", "hq_review", "recheck"):
        transfer_in(state)
    user = person(username)
    q = actionable_q(TRANSFER_FLOW, user)
    by_sql = set(TransferRequest.objects.filter(q).values_list("pk", flat=True)) if q is not None else set()
    by_python = {
        doc.pk
        for doc in TransferRequest.objects.all()
        if any(not s.optional for s in available_steps(TRANSFER_FLOW, doc, person(username)))
    }
    assert by_sql == by_python
