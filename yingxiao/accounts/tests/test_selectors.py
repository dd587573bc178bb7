"""`scope_of`: what each kind of user reaches (rule 2 of DESIGN.md, deny by default)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from yingxiao.accounts.choices import Role
from yingxiao.accounts.models import Delegation, User
from yingxiao.accounts.selectors import active_delegations_to, scope_of, users_for
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor

pytestmark = pytest.mark.django_db


def region_ids(*codes):
    return set(Region.objects.filter(code__in=codes).values_list("id", flat=True))


def test_company_wide_staff(user):
    scope = scope_of(user("director"))
    assert scope.roles == {Role.MARKETING_DIRECTOR}
    assert scope.is_company_wide
    assert not scope.is_admin and not scope.is_portal_user


def test_a_regional_rep_reaches_the_region_and_its_districts_only(user):
    scope = scope_of(user("rep_east"))
    assert scope.roles == {Role.REGIONAL_REP}
    assert not scope.is_company_wide
    assert scope.region_ids == region_ids("east", "east-sh", "east-zj")
    assert scope.region_names == ("华东",)


def test_a_portal_user_reaches_its_distributor_only(user):
    scope = scope_of(user("dist_e01"))
    assert scope.roles == {Role.DISTRIBUTOR}
    assert scope.is_portal_user
    assert not scope.is_company_wide
    assert scope.region_ids == frozenset()
    assert scope.distributor_ids == {Distributor.objects.get(code="E01").pk}


def test_the_administrator(user):
    scope = scope_of(user("admin"))
    assert scope.is_admin and scope.is_company_wide


def test_a_superuser_without_membership_is_an_administrator(user):
    person = user("nobody")
    User.objects.filter(pk=person.pk).update(is_superuser=True)
    person.refresh_from_db()
    assert scope_of(person).is_admin


@pytest.mark.parametrize("who", ["nobody", "anonymous", "inactive"])
def test_deny_by_default(user, who):
    if who == "anonymous":
        person = AnonymousUser()
    elif who == "inactive":
        person = user("director")
        person.is_active = False
    else:
        person = user("nobody")
    scope = scope_of(person)
    assert scope.roles == frozenset()
    assert not scope.is_company_wide and not scope.region_ids and not scope.distributor_ids


def test_users_for(user):
    assert users_for(user("admin")).count() == User.objects.count()
    assert list(users_for(user("rep_east"))) == [user("rep_east")]


def test_active_delegations_to(user):
    today = date.today()
    director, manager = user("director"), user("market_manager")
    current = Delegation.objects.create(from_user=director, to_user=manager, start=today, end=today)
    Delegation.objects.create(
        from_user=director, to_user=manager, start=today - timedelta(days=9), end=today - timedelta(days=1)
    )
    assert list(active_delegations_to(manager)) == [current]
    assert list(active_delegations_to(director)) == []
