"""Who sees which distributors and customers (rule 2: only their region, their distributor, or nothing)."""

import pytest
from django.http import Http404

from yingxiao.core.search import search
from yingxiao.core.testing import EAST_HENGXIN, NORTH_HENGXIN
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.selectors import customer_get, customers_for, distributor_get, distributors_for

pytestmark = pytest.mark.django_db

EAST_CODES = {"east", "east-sh", "east-zj"}


def test_company_wide_staff_see_every_distributor_and_customer(user):
    for username in ("admin", "director", "president", "warehouse", "finance"):
        person = user(username)
        assert distributors_for(person).count() == Distributor.objects.count() == 40
        assert customers_for(person).count() == Customer.objects.count() == 20


def test_rep_east_sees_the_east_and_its_districts_only(user):
    rep = user("rep_east")
    distributors = distributors_for(rep)
    assert distributors.count() == 10
    assert {d.region.code for d in distributors} == EAST_CODES  # districts included
    assert not distributors.filter(region__code="north").exists()
    assert NORTH_HENGXIN not in {d.name for d in distributors}

    customers = customers_for(rep)
    assert customers.count() == 5
    assert {c.region.code for c in customers} <= EAST_CODES


def test_a_rep_never_gets_another_regions_record(user):
    rep = user("rep_east")
    for distributor in Distributor.objects.filter(region__code="north"):
        with pytest.raises(Http404):
            distributor_get(user=rep, pk=distributor.pk)
    for customer in Customer.objects.filter(region__code="north"):
        with pytest.raises(Http404):
            customer_get(user=rep, pk=customer.pk)


def test_a_district_distributor_is_visible_to_its_top_region(user):
    shanghai = Distributor.objects.get(code="E01")
    assert shanghai.region.code == "east-sh"
    assert distributor_get(user=user("rep_east"), pk=shanghai.pk) == shanghai
    assert distributor_get(user=user("manager_east"), pk=shanghai.pk) == shanghai
    with pytest.raises(Http404):
        distributor_get(user=user("rep_north"), pk=shanghai.pk)


def test_a_rep_of_a_single_district_sees_that_district_only(admin_user, user):
    from yingxiao.accounts.choices import Role
    from yingxiao.accounts.services import membership_grant

    person = user("nobody")
    membership_grant(
        actor=admin_user, user=person, role=Role.REGIONAL_REP, region=Region.objects.get(code="east-zj")
    )
    assert {d.region.code for d in distributors_for(person)} == {"east-zj"}


def test_search_goes_through_the_scope(user):
    assert [d.name for d in search(distributors_for(user("director")), "bjhx")] == [NORTH_HENGXIN]
    assert not search(distributors_for(user("rep_east")), "bjhx").exists()
    assert [d.name for d in search(distributors_for(user("rep_east")), "hengxin")] == [EAST_HENGXIN]


def test_a_portal_user_sees_its_own_distributor_and_its_customers_only(admin_user, user):
    from yingxiao.partners.services import customer_create

    portal = user("dist_e01")
    own = Distributor.objects.get(code="E01")
    assert list(distributors_for(portal)) == [own]
    with pytest.raises(Http404):
        distributor_get(user=portal, pk=Distributor.objects.get(code="E02").pk)
    assert not customers_for(portal).exists()  # no demo customer is served by E01

    served = customer_create(
        actor=admin_user,
        code="C-T01",
        name="上海测试客户",
        region=Region.objects.get(code="east"),
        distributor=own,
    )
    assert list(customers_for(portal)) == [served]


def test_a_user_without_role_sees_nothing(user):
    nobody = user("nobody")
    assert not distributors_for(nobody).exists()
    assert not customers_for(nobody).exists()
    with pytest.raises(Http404):
        distributor_get(user=nobody, pk=Distributor.objects.first().pk)
