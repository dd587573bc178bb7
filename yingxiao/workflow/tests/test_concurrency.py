"""Real concurrency on PostgreSQL: threads with their own connections, started together by a barrier.

The winner of each race is slowed down while it holds its locks, so the loser is certainly inside the
same code at the same time: without the row locks (`select_for_update` in `perform` and `stock_move`)
both would succeed and these tests would fail.

These tests commit for real (`transactional_db`), so pytest-django empties the database after each one
(TRUNCATE on PostgreSQL, which the events table's row triggers do not block). The demo company is loaded
again afterwards, for whatever runs next.
"""

import dataclasses
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import User
from yingxiao.accounts.services import membership_grant, user_create
from yingxiao.core.exceptions import Conflict
from yingxiao.inventory import services as inventory_services
from yingxiao.inventory.choices import MovementKind
from yingxiao.inventory.models import StockLevel, StockMovement, TransferRequest
from yingxiao.inventory.tests.helpers import events, level, person, stocked_products, transfer_in
from yingxiao.inventory.workflow import TRANSFER_FLOW
from yingxiao.org.models import Region
from yingxiao.workflow.services import perform

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

HOLD = 0.4  # seconds the winner keeps its locks


@pytest.fixture
def demo_restored_afterwards(django_db_blocker):
    """Requested before `transactional_db`, so this teardown runs after its flush."""
    yield
    with django_db_blocker.unblock():
        call_command("demo", quiet_logins=True)


@pytest.fixture
def committed_demo(demo_restored_afterwards, transactional_db):
    """The demo company, committed (loaded again if an earlier transactional test emptied the database)."""
    if not User.objects.filter(username="rep_east").exists():
        call_command("demo", quiet_logins=True)


def race(*calls):
    """Run each callable in its own thread (own DB connection), all released at once; return outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "409"
        except PermissionDenied:
            outcomes[index] = "403"
        except ValidationError:
            outcomes[index] = "400"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            outcomes[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return sorted(outcomes)


def slow_effect(state: str, action: str):
    """Make a step's effect hold its locks for a moment (the flow's table is patched, not the code).
    A context manager, not pytest's monkeypatch: the patch must be gone before the demo is reloaded."""
    step = TRANSFER_FLOW.step(state, action)
    original = step.effect

    def held(document, actor, data):
        result = original(document, actor, data) if original else {}
        time.sleep(HOLD)
        return result

    patched = dataclasses.replace(step, effect=held)
    return mock.patch.object(
        TRANSFER_FLOW, "steps", [patched if s is step else s for s in TRANSFER_FLOW.steps]
    )


def slow_stock_locks():
    """Hold each stock level row a moment after reading it (a context manager)."""
    original = inventory_services._locked_level

    def held(product, warehouse):
        found = original(product, warehouse)
        time.sleep(HOLD)
        return found

    return mock.patch.object(inventory_services, "_locked_level", held)


def second_east_manager() -> User:
    user = user_create(actor=None, username="manager_east2", password="x-pass-12345", full_name="东区副经理")
    membership_grant(
        actor=None, user=user, role=Role.REGIONAL_MANAGER, region=Region.objects.get(code="east")
    )
    return user


def approver(username: str, pk: int, **kwargs):
    def call():
        perform(
            document=TransferRequest.objects.get(pk=pk),
            action="approve",
            actor=User.objects.get(username=username),
            comment=username,
            **kwargs,
        )

    return call


def ledger_matches(product, warehouse_code: str) -> bool:
    lv = level(product, warehouse_code)
    sums = StockMovement.objects.filter(product=product, warehouse=lv.warehouse).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta"), in_transit=Sum("in_transit_delta")
    )
    return (lv.on_hand, lv.reserved, lv.in_transit) == (
        sums["on_hand"],
        sums["reserved"],
        sums["in_transit"] or 0,
    )


# --- two approvers at once ---------------------------------------------------------------------------


def test_two_managers_approving_at_once_with_the_version_they_saw(committed_demo):
    """As from the page or an API client sending `version`: one approves, the other gets 409."""
    second_east_manager()
    document = transfer_in("manager_review")
    assert document.version == 2
    with slow_effect("manager_review", "approve"):
        outcomes = race(
            approver("manager_east", document.pk, expected_version=2),
            approver("manager_east2", document.pk, expected_version=2),
        )
    assert outcomes == ["409", "ok"]
    document.refresh_from_db()
    assert (document.status, document.version) == ("hq_review", 3)
    assert [e.action for e in events(document)].count("approve") == 1


def test_two_managers_approving_at_once_without_a_version(committed_demo):
    """An API client need not send `version`; the loser of the race must still get 409 (the request is no
    longer where he saw it), and only one approval may happen."""
    second_east_manager()
    document = transfer_in("manager_review")
    with slow_effect("manager_review", "approve"):
        outcomes = race(approver("manager_east", document.pk), approver("manager_east2", document.pk))
    document.refresh_from_db()
    assert (document.status, document.version) == ("hq_review", 3)
    assert [e.action for e in events(document)].count("approve") == 1
    assert outcomes == ["409", "ok"]


# --- stock: the last units --------------------------------------------------------------------------


def test_racing_for_the_last_units_never_makes_stock_negative(committed_demo):
    [product] = stocked_products("WH-HQ2", 1)
    wh = level(product, "WH-HQ2").warehouse
    keeper = person("warehouse")
    lv = level(product, "WH-HQ2")
    inventory_services.stock_move(
        actor=keeper, product=product, warehouse=wh, kind=MovementKind.ISSUE, on_hand=10 - lv.available
    )
    assert level(product, "WH-HQ2").available == 10

    def issue_six():
        inventory_services.stock_move(
            actor=User.objects.get(username="warehouse"),
            product=product,
            warehouse=wh,
            kind=MovementKind.ISSUE,
            on_hand=-6,
        )

    # 1. two direct issues of 6 out of 10
    with slow_stock_locks():
        assert race(issue_six, issue_six) == ["400", "ok"]
    assert level(product, "WH-HQ2").available == 4
    assert ledger_matches(product, "WH-HQ2")

    # 2. two transfer requests of 6 each, approved by HQ at the same moment, with 10 available
    inventory_services.stock_receive(actor=keeper, product=product, warehouse=wh, quantity=6)
    assert level(product, "WH-HQ2").available == 10
    first = transfer_in("hq_review", source="WH-HQ2", lines=[(product, 6)])
    second = transfer_in("hq_review", source="WH-HQ2", lines=[(product, 6)])
    with slow_stock_locks():
        outcomes = race(approver("director", first.pk), approver("director", second.pk))
    assert outcomes == ["400", "ok"]
    after = level(product, "WH-HQ2")
    assert (after.reserved, after.available) == (6 + lv.reserved, 4)
    assert sorted(
        TransferRequest.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == [
        "at_warehouse",
        "hq_review",
    ]
    assert ledger_matches(product, "WH-HQ2")
    assert not StockLevel.objects.filter(on_hand__lt=0).exists()


def test_two_clerks_shipping_the_same_request_at_once_move_the_stock_once(committed_demo):
    [product] = stocked_products("WH-HQ1", 1)
    document = transfer_in("at_warehouse", lines=[(product, 5)])
    user_create(actor=None, username="warehouse2", password="x-pass-12345", full_name="仓管二")
    membership_grant(actor=None, user=User.objects.get(username="warehouse2"), role=Role.WAREHOUSE)
    source, destination = level(product, "WH-HQ1"), level(product, "WH-E")

    def ship(username):
        def call():
            perform(
                document=TransferRequest.objects.get(pk=document.pk),
                action="ship",
                actor=User.objects.get(username=username),
                expected_version=document.version,
            )

        return call

    with slow_effect("at_warehouse", "ship"):
        assert race(ship("warehouse"), ship("warehouse2")) == ["409", "ok"]
    assert level(product, "WH-HQ1").on_hand == source.on_hand - 5
    assert level(product, "WH-HQ1").reserved == source.reserved - 5
    assert level(product, "WH-E").in_transit == destination.in_transit + 5
    assert [e.action for e in events(document)].count("ship") == 1
    assert ledger_matches(product, "WH-HQ1") and ledger_matches(product, "WH-E")


def test_document_numbers_stay_unique_when_two_requests_start_at_once(committed_demo):
    products = stocked_products("WH-HQ1", 1)

    def create():
        inventory_services.transfer_create(
            actor=User.objects.get(username="rep_east"),
            source_warehouse=level(products[0], "WH-HQ1").warehouse,
            destination_warehouse=level(products[0], "WH-E").warehouse,
            wanted_by=timezone.localdate() + timedelta(days=5),
            lines=[(products[0], 1, "")],
        )

    before = TransferRequest.objects.count()
    assert race(create, create, create) == ["ok", "ok", "ok"]
    numbers = list(TransferRequest.objects.values_list("number", flat=True))
    assert len(numbers) == before + 3 == len(set(numbers))


# --- the same Idempotency-Key twice at once --------------------------------------------------------------


def test_the_same_idempotency_key_sent_twice_at_once_acts_once_and_both_get_the_answer(committed_demo):
    """A phone retrying while its first request is still running: the twin waits on the key's unique
    constraint, then replays the first answer instead of getting a 409 or acting twice."""
    from rest_framework.test import APIClient

    document = transfer_in("manager_review")
    manager = User.objects.get(username="manager_east")
    answers: list = []

    def post():
        client = APIClient()
        client.force_authenticate(manager)
        response = client.post(
            f"/api/v1/transfer-requests/{document.pk}/actions/approve/",
            {"comment": "同意"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="approve-once",
        )
        answers.append((response.status_code, response.get("Idempotent-Replayed"), response.json()))

    with slow_effect("manager_review", "approve"):
        outcomes = race(post, post)
    assert outcomes == ["ok", "ok"]
    assert sorted((a[0], a[1] or "") for a in answers) == [(200, ""), (200, "true")]
    assert answers[0][2] == answers[1][2]
    document.refresh_from_db()
    assert (document.status, document.version) == ("hq_review", 3)
    assert [e.action for e in events(document)].count("approve") == 1
