"""A delegate takes the delegator's steps everywhere the delegator could: in the engine, the inbox, the API
and the pages (manager_east is away and delegates to rep_north, of another region); and only while the
delegation runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from yingxiao.accounts.services import delegation_create, delegation_revoke
from yingxiao.inventory.tests.helpers import events, person, snapshot, take, transfer_in
from yingxiao.workflow.selectors import inbox_counts, inbox_todo

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def delegation():
    return delegation_create(
        actor=person("manager_east"),
        from_user=person("manager_east"),
        to_user=person("rep_north"),
        start=TODAY,
        end=TODAY + timedelta(days=3),
        reason="出差",
    )


@pytest.fixture
def waiting():
    return transfer_in("manager_review")


def test_the_engine_lets_the_delegate_approve_on_behalf(delegation, waiting):
    take(waiting, "approve", "rep_north")
    event = events(waiting)[-1]
    assert (event.actor.username, event.on_behalf_of.username) == ("rep_north", "manager_east")


def test_a_revoked_delegation_no_longer_counts(delegation, waiting):
    delegation_revoke(actor=person("manager_east"), delegation=delegation)
    before = snapshot(waiting)
    with pytest.raises(PermissionDenied):
        take(waiting, "approve", "rep_north")
    assert snapshot(waiting) == before
    assert waiting.number not in {i.document.number for i in inbox_todo(person("rep_north"))}


def test_the_delegates_inbox_lists_what_waits_for_the_delegator(delegation, waiting):
    todo = {i.document.number for i in inbox_todo(person("rep_north"))}
    assert waiting.number in todo
    assert inbox_counts(person("rep_north")) == len(inbox_todo(person("rep_north")))


def test_the_delegate_approves_through_the_api(api_as, delegation, waiting):
    client = api_as("rep_north")
    response = client.post(
        f"/api/v1/transfer-requests/{waiting.pk}/actions/approve/", {"comment": "代批"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "hq_review"
    event = events(waiting)[-1]
    assert (event.actor.username, event.on_behalf_of.username, event.comment) == (
        "rep_north",
        "manager_east",
        "代批",
    )


def test_the_delegate_opens_the_document_and_approves_from_the_page(client_as, delegation, waiting):
    client = client_as("rep_north")
    page = client.get(reverse("inventory:transfer_detail", args=[waiting.pk]))
    assert page.status_code == 200
    assert 'data-bs-target="#step-approve"' in page.content.decode()
    client.post(
        reverse("workflow:step", args=["transfer", waiting.pk, "approve"]), {"version": waiting.version}
    )
    assert snapshot(waiting)[0] == "hq_review"
    assert events(waiting)[-1].on_behalf_of.username == "manager_east"


def test_without_a_delegation_north_still_sees_nothing(client_as, api_as, waiting):
    assert (
        client_as("rep_north").get(reverse("inventory:transfer_detail", args=[waiting.pk])).status_code == 404
    )
    assert api_as("rep_north").get(f"/api/v1/transfer-requests/{waiting.pk}/").status_code == 404
