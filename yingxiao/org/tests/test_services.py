"""Regions, departments and warehouses: admin-only writes, validation, database constraints, audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yingxiao.core.models import AuditEntry
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.models import Department, Region, Warehouse
from yingxiao.org.services import (
    department_create,
    department_update,
    region_create,
    region_update,
    warehouse_create,
    warehouse_update,
)

pytestmark = pytest.mark.django_db


def test_admin_creates_a_region_and_a_district(admin_user):
    central = region_create(actor=admin_user, code="central", name="华中")
    district = region_create(actor=admin_user, code="central-hb", name="湖北片区", parent=central)
    assert district.is_district and district.top_id == central.pk
    assert not central.is_district
    assert AuditEntry.objects.filter(model="org.region", object_id=str(district.pk), action="create").exists()


def test_a_district_cannot_be_split_further(admin_user):
    east_sh = Region.objects.get(code="east-sh")
    with pytest.raises(ValidationError) as exc:
        region_create(actor=admin_user, code="east-sh-pd", name="浦东", parent=east_sh)
    assert "parent" in exc.value.message_dict
    assert not Region.objects.filter(code="east-sh-pd").exists()


def test_a_region_cannot_be_its_own_parent(admin_user):
    east = Region.objects.get(code="east")
    with pytest.raises(ValidationError) as exc:
        region_update(actor=admin_user, region=east, parent=east)
    assert "parent" in exc.value.message_dict


def test_region_codes_are_unique(admin_user):
    with pytest.raises(ValidationError) as exc:
        region_create(actor=admin_user, code="east", name="又一个华东")
    assert "code" in exc.value.message_dict


def test_region_update_is_audited_and_a_no_op_is_not(admin_user):
    north = Region.objects.get(code="north")
    before = AuditEntry.objects.count()
    region_update(actor=admin_user, region=north, name="华北")
    assert AuditEntry.objects.count() == before
    region_update(actor=admin_user, region=north, name="华北大区")
    entry = AuditEntry.objects.filter(model="org.region", object_id=str(north.pk)).first()
    assert entry.changes == {"name": ["华北", "华北大区"]}


def test_a_regional_warehouse_needs_its_region(admin_user):
    with pytest.raises(ValidationError) as exc:
        warehouse_create(actor=admin_user, code="WH-X", name="无区域仓", kind=WarehouseKind.REGIONAL)
    assert "region" in exc.value.message_dict
    assert not Warehouse.objects.filter(code="WH-X").exists()


def test_an_hq_warehouse_needs_no_region(admin_user):
    warehouse = warehouse_create(actor=admin_user, code="WH-HQ3", name="总部三号仓", kind=WarehouseKind.HQ)
    assert warehouse.region is None


def test_the_database_refuses_a_regional_warehouse_without_region():
    with pytest.raises(IntegrityError), transaction.atomic():
        Warehouse.objects.filter(code="WH-E").update(region=None)


def test_warehouse_kind_must_be_known(admin_user):
    with pytest.raises(ValidationError) as exc:
        warehouse_create(actor=admin_user, code="WH-Y", name="怪仓", kind="floating")
    assert "kind" in exc.value.message_dict


def test_warehouse_update_removing_the_region_is_refused(admin_user):
    warehouse = Warehouse.objects.get(code="WH-N")
    with pytest.raises(ValidationError):
        warehouse_update(actor=admin_user, warehouse=warehouse, region=None)
    assert Warehouse.objects.get(code="WH-N").region.code == "north"


def test_departments(admin_user, user):
    department = department_create(actor=admin_user, code="legal", name="法务部")
    department_update(actor=admin_user, department=department, head=user("director"))
    assert Department.objects.get(code="legal").head.username == "director"


@pytest.mark.parametrize("username", ["director", "rep_east", "warehouse", "dist_e01", "nobody"])
def test_only_an_administrator_writes_organisation_data(user, username):
    actor = user(username)
    with pytest.raises(PermissionDenied):
        region_create(actor=actor, code="central", name="华中")
    with pytest.raises(PermissionDenied):
        region_update(actor=actor, region=Region.objects.get(code="east"), name="改名")
    with pytest.raises(PermissionDenied):
        warehouse_create(actor=actor, code="WH-Z", name="仓", kind=WarehouseKind.HQ)
    with pytest.raises(PermissionDenied):
        department_create(actor=actor, code="x", name="x")
    assert not Region.objects.filter(code="central").exists()
    assert Region.objects.get(code="east").name == "华东"


def test_a_region_with_districts_cannot_become_a_district(admin_user):
    """华东 has two 片区; making it a district of 华北 would nest districts three deep."""
    east = Region.objects.get(code="east")
    with pytest.raises(ValidationError) as exc:
        region_update(actor=admin_user, region=east, parent=Region.objects.get(code="north"))
    assert "parent" in exc.value.message_dict
    assert Region.objects.get(code="east").parent is None
