"""Events are append-only: the database itself refuses UPDATE and DELETE (triggers, migration 0002)."""

import pytest
from django.db import DatabaseError, IntegrityError, ProgrammingError, connection, transaction

from yingxiao.inventory.tests.helpers import events, new_transfer, take
from yingxiao.workflow.models import Event

pytestmark = pytest.mark.django_db

#: What each backend raises for the trigger: SQLite's RAISE(ABORT) is a constraint failure; PostgreSQL's
#: RAISE EXCEPTION is SQLSTATE P0001 (raise_exception), which psycopg 3 classes as a ProgrammingError.
EXPECTED_ERROR = {"sqlite": IntegrityError, "postgresql": ProgrammingError}


@pytest.fixture
def event():
    document = take(new_transfer(), "submit", "rep_east", comment="原始意见")
    return events(document)[-1]


def row(pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT action, comment, actor_id FROM workflow_event WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE workflow_event SET comment = 'forged' WHERE id = %s",
        "UPDATE workflow_event SET actor_id = actor_id WHERE id = %s",  # even a no-op update
        "DELETE FROM workflow_event WHERE id = %s",
    ],
    ids=["update", "noop-update", "delete"],
)
def test_raw_sql_cannot_change_or_delete_an_event(event, sql):
    original = row(event.pk)
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert "append-only" in str(refused.value)
    assert type(refused.value) is EXPECTED_ERROR[connection.vendor]
    assert row(event.pk) == original == ("submit", "原始意见", event.actor_id)


def test_a_bulk_delete_of_all_events_is_refused(event):
    count = Event.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workflow_event")
    assert Event.objects.count() == count


def test_the_orm_cannot_change_or_delete_events_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(comment="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.get(pk=event.pk).delete()
    event.comment = "forged"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert Event.objects.get(pk=event.pk).comment == "原始意见"


def test_inserting_events_still_works(event):
    Event.objects.create(
        content_type=event.content_type,
        object_id=event.object_id,
        action="note",
        from_state="manager_review",
        to_state="manager_review",
        actor=event.actor,
    )
    assert Event.objects.filter(object_id=event.object_id, content_type=event.content_type).count() == 3
