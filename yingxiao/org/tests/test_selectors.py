"""Who sees which regions, departments and warehouses."""

import pytest
from django.http import Http404

from yingxiao.org.models import Department, Region, Warehouse
from yingxiao.org.selectors import (
    department_get,
    departments_for,
    region_get,
    regions_for,
    warehouse_get,
    warehouses_for,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["admin", "director", "rep_east", "warehouse"])
def test_staff_see_all_organisation_data(user, username):
    person = user(username)
    assert regions_for(person).count() == Region.objects.count() == 6
    assert warehouses_for(person).count() == Warehouse.objects.count() == 7  # 2 HQ, 4 regional, quarantine
    assert departments_for(person).count() == Department.objects.count()


def test_a_portal_user_sees_its_own_region_and_no_warehouse_or_department(user):
    portal = user("dist_e01")
    assert [r.code for r in regions_for(portal)] == ["east-sh"]  # E01 sits in the Shanghai district
    assert not warehouses_for(portal).exists()
    assert not departments_for(portal).exists()
    with pytest.raises(Http404):
        warehouse_get(user=portal, pk=Warehouse.objects.get(code="WH-E").pk)
    with pytest.raises(Http404):
        region_get(user=portal, pk=Region.objects.get(code="north").pk)


def test_a_user_without_role_sees_nothing(user):
    nobody = user("nobody")
    assert not regions_for(nobody).exists()
    assert not warehouses_for(nobody).exists()
    assert not departments_for(nobody).exists()
    with pytest.raises(Http404):
        department_get(user=nobody, pk=Department.objects.first().pk)
