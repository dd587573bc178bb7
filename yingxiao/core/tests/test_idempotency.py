"""`Idempotency-Key` on API step actions: a repeat replays the first answer and acts once; a key reused
for a different request is refused; a failed request stores nothing, so it can be retried."""

import pytest

from yingxiao.core.models import IdempotencyRecord
from yingxiao.inventory.tests.helpers import new_transfer
from yingxiao.workflow.selectors import events_of

pytestmark = pytest.mark.django_db


def step(client, document, action, key=None, **body):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/v1/transfer-requests/{document.pk}/actions/{action}/", body, format="json", **headers
    )


def submits(document) -> int:
    return sum(1 for event in events_of(document) if event.action == "submit")


def test_a_repeat_with_the_same_key_replays_the_answer_and_acts_once(api_as):
    document = new_transfer()
    client = api_as("rep_east")
    first = step(client, document, "submit", key="k-1", comment="请审批")
    again = step(client, document, "submit", key="k-1", comment="请审批")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert submits(document) == 1


def test_without_a_key_the_repeat_is_refused_as_a_conflict(api_as):
    document = new_transfer()
    client = api_as("rep_east")
    assert step(client, document, "submit", comment="x").status_code == 200
    assert step(client, document, "submit", comment="x").status_code == 409


def test_a_key_reused_for_a_different_request_is_a_422_and_acts_not(api_as):
    document = new_transfer()
    client = api_as("rep_east")
    assert step(client, document, "submit", key="k-2", comment="a").status_code == 200
    response = step(client, document, "withdraw", key="k-2", comment="b")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    document.refresh_from_db()
    assert document.status == "manager_review"


def test_a_failed_request_stores_nothing_and_can_be_retried(api_as):
    document = new_transfer()
    refused = step(api_as("manager_east"), document, "approve", key="k-3", comment="x")
    assert refused.status_code == 409  # still a draft
    assert not IdempotencyRecord.objects.filter(key="k-3").exists()
    assert step(api_as("rep_east"), document, "submit", key="k-3", comment="x").status_code == 200


def test_keys_belong_to_their_user(api_as):
    """The same key from another user is another request: it is not replayed to them."""
    document = new_transfer()
    assert step(api_as("rep_east"), document, "submit", key="shared", comment="x").status_code == 200
    other = step(api_as("manager_east"), document, "reject", key="shared", comment="退回")
    assert other.status_code == 200
    assert other.json()["status"] == "draft"


def test_an_overlong_key_is_a_400_naming_the_header(api_as):
    document = new_transfer()
    response = step(api_as("rep_east"), document, "submit", key="x" * 101, comment="x")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert submits(document) == 0
