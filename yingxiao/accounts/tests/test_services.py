"""Writes for users, memberships and delegations: who may write, what is validated, what is audited."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import Delegation, Membership, User
from yingxiao.accounts.selectors import scope_of
from yingxiao.accounts.services import delegation_create, membership_grant, user_create
from yingxiao.core.models import AuditEntry
from yingxiao.org.models import Region, Warehouse
from yingxiao.partners.models import Distributor

pytestmark = pytest.mark.django_db


# --- users -------------------------------------------------------------------------------------------


def test_admin_creates_a_user_with_a_hashed_password_and_an_audit_entry(admin_user):
    new = user_create(actor=admin_user, username="newbie", password="Zx-93kd!pq", full_name="新人")

    assert new.pk and new.check_password("Zx-93kd!pq")
    assert new.password != "Zx-93kd!pq"
    entry = AuditEntry.objects.get(model="accounts.user", object_id=str(new.pk))
    assert entry.actor == admin_user
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes == {"username": ["", "newbie"]}


@pytest.mark.parametrize("username", ["director", "rep_east", "dist_e01", "nobody"])
def test_only_an_administrator_creates_users(user, username):
    with pytest.raises(PermissionDenied):
        user_create(actor=user(username), username="intruder", password="Zx-93kd!pq")
    assert not User.objects.filter(username="intruder").exists()


def test_user_create_validates_the_username(admin_user):
    with pytest.raises(ValidationError) as exc:
        user_create(actor=admin_user, username="rep_east", password="Zx-93kd!pq")
    assert "username" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        user_create(actor=admin_user, username="has space", password="Zx-93kd!pq")
    assert "username" in exc.value.message_dict


# --- memberships -------------------------------------------------------------------------------------


def test_granting_a_regional_role_gives_the_region_and_its_districts(admin_user, user):
    person = user("nobody")
    assert scope_of(person).roles == frozenset()
    east = Region.objects.get(code="east")

    membership = membership_grant(actor=admin_user, user=person, role=Role.REGIONAL_REP, region=east)

    assert membership.scope_kind == "region"
    scope = scope_of(person)  # the cached empty scope was forgotten by the service
    assert scope.roles == {Role.REGIONAL_REP}
    assert scope.region_ids == set(
        Region.objects.filter(code__startswith="east").values_list("id", flat=True)
    )
    assert AuditEntry.objects.filter(
        model="accounts.user", object_id=str(person.pk), action="update"
    ).exists()


def test_granting_the_same_membership_twice_keeps_one_and_writes_no_second_entry(admin_user, user):
    person = user("nobody")
    first = membership_grant(actor=admin_user, user=person, role=Role.FINANCE)
    entries = AuditEntry.objects.count()

    again = membership_grant(actor=admin_user, user=person, role=Role.FINANCE)

    assert again.pk == first.pk
    assert Membership.objects.filter(user=person).count() == 1
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("username", ["director", "rep_east", "manager_east", "dist_e01"])
def test_only_an_administrator_grants_roles(user, username):
    target = user("nobody")
    with pytest.raises(PermissionDenied):
        membership_grant(actor=user(username), user=target, role=Role.MARKETING_DIRECTOR)
    assert not Membership.objects.filter(user=target).exists()


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        (Role.REGIONAL_REP, {}, "region"),  # a regional role needs a region
        (Role.REGIONAL_MANAGER, {}, "region"),
        (Role.DISTRIBUTOR, {}, "distributor"),  # a portal user needs a distributor
        (Role.MARKETING_DIRECTOR, {"region": "east"}, "region"),  # company roles have no region
        (Role.FINANCE, {"distributor": "E01"}, "distributor"),  # only portal users have a distributor
        (Role.FINANCE, {"warehouse": "WH-E"}, "warehouse"),  # only warehouse staff have a warehouse
    ],
)
def test_membership_scope_must_fit_the_role(admin_user, user, role, scope, field):
    target = user("nobody")
    kwargs = {}
    if "region" in scope:
        kwargs["region"] = Region.objects.get(code=scope["region"])
    if "distributor" in scope:
        kwargs["distributor"] = Distributor.objects.get(code=scope["distributor"])
    if "warehouse" in scope:
        kwargs["warehouse"] = Warehouse.objects.get(code=scope["warehouse"])

    with pytest.raises(ValidationError) as exc:
        membership_grant(actor=admin_user, user=target, role=role, **kwargs)

    assert field in exc.value.message_dict
    assert not Membership.objects.filter(user=target).exists()


def test_a_warehouse_keeper_may_be_scoped_to_one_warehouse(admin_user, user):
    target = user("nobody")
    warehouse = Warehouse.objects.get(code="WH-E")
    membership = membership_grant(actor=admin_user, user=target, role=Role.WAREHOUSE, warehouse=warehouse)
    assert membership.scope_kind == "warehouse"
    assert scope_of(target).warehouse_ids == {warehouse.pk}


def test_the_database_refuses_a_portal_membership_without_distributor(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user("nobody"), role=Role.DISTRIBUTOR)


def test_the_database_refuses_a_membership_with_two_scopes(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user("nobody"),
            role=Role.REGIONAL_REP,
            region=Region.objects.get(code="east"),
            warehouse=Warehouse.objects.get(code="WH-E"),
        )


def test_the_database_refuses_a_distributor_on_a_staff_membership(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user("nobody"), role=Role.FINANCE, distributor=Distributor.objects.get(code="E01")
        )


# --- delegations -------------------------------------------------------------------------------------


def test_a_user_delegates_their_own_authority(user):
    director, manager = user("director"), user("market_manager")
    today = date.today()

    delegation = delegation_create(
        actor=director, from_user=director, to_user=manager, start=today, end=today + timedelta(days=7)
    )

    assert delegation.is_active(today) and not delegation.is_active(today + timedelta(days=8))
    assert AuditEntry.objects.filter(model="accounts.delegation", object_id=str(delegation.pk)).exists()


def test_an_administrator_may_record_a_delegation_for_someone_else(admin_user, user):
    today = date.today()
    delegation = delegation_create(
        actor=admin_user, from_user=user("director"), to_user=user("market_manager"), start=today, end=today
    )
    assert delegation.pk


def test_nobody_else_may_delegate_another_users_authority(user):
    today = date.today()
    with pytest.raises(PermissionDenied):
        delegation_create(
            actor=user("rep_east"),
            from_user=user("director"),
            to_user=user("rep_east"),
            start=today,
            end=today,
        )
    assert not Delegation.objects.exists()


def test_a_delegation_cannot_end_before_it_starts(user):
    director = user("director")
    today = date.today()
    with pytest.raises(ValidationError) as exc:
        delegation_create(
            actor=director,
            from_user=director,
            to_user=user("market_manager"),
            start=today,
            end=today - timedelta(days=1),
        )
    assert "end" in exc.value.message_dict
    assert not Delegation.objects.exists()


def test_a_delegation_to_oneself_is_refused(user):
    director = user("director")
    today = date.today()
    with pytest.raises(ValidationError) as exc:
        delegation_create(actor=director, from_user=director, to_user=director, start=today, end=today)
    assert "to_user" in exc.value.message_dict


def test_a_portal_user_cannot_delegate(user):
    portal = user("dist_e01")
    today = date.today()
    with pytest.raises(ValidationError) as exc:
        delegation_create(actor=portal, from_user=portal, to_user=user("rep_east"), start=today, end=today)
    assert "from_user" in exc.value.message_dict


@pytest.mark.parametrize("case", ["end_before_start", "to_self"])
def test_the_database_refuses_bad_delegations(user, case):
    director = user("director")
    today = date.today()
    to_user = director if case == "to_self" else user("market_manager")
    end = today - timedelta(days=1) if case == "end_before_start" else today
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(from_user=director, to_user=to_user, start=today, end=end)
