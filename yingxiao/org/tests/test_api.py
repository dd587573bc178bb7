"""`/api/v1/regions/` and `/api/v1/warehouses/`."""

import pytest

from yingxiao.org.models import Region, Warehouse

pytestmark = pytest.mark.django_db

REGIONS = "/api/v1/regions/"
WAREHOUSES = "/api/v1/warehouses/"


def test_admin_creates_a_district_referring_to_the_parent_by_code(api_as):
    response = api_as("admin").post(
        REGIONS, {"code": "east-js", "name": "江苏片区", "parent": "east"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Region.objects.get(code="east-js").parent.code == "east"
    assert response.json()["parent"] == "east"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "east", "name": "重复"}, "code"),
        ({"code": "x1", "name": "孤儿", "parent": "ghost"}, "parent"),
        ({"code": "x2", "name": "孙区", "parent": "east-sh"}, "parent"),  # districts cannot nest
    ],
)
def test_bad_regions_are_400_naming_the_field(api_as, payload, field):
    response = api_as("admin").post(REGIONS, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_regional_warehouse_with_unknown_region_is_a_400(api_as):
    payload = {"code": "WH-X", "name": "新仓", "kind": "regional", "region": "atlantis"}
    response = api_as("admin").post(WAREHOUSES, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "region" in body["fields"]
    assert not Warehouse.objects.filter(code="WH-X").exists()


def test_regional_warehouse_without_region_is_a_400_naming_region(api_as):
    payload = {"code": "WH-X", "name": "新仓", "kind": "regional"}
    response = api_as("admin").post(WAREHOUSES, payload, format="json")
    assert response.status_code == 400
    assert "region" in response.json()["fields"]
    assert not Warehouse.objects.filter(code="WH-X").exists()


def test_warehouse_filters(api_as):
    client = api_as("director")
    hq = client.get(WAREHOUSES, {"kind": "hq"}).json()
    assert sorted(w["code"] for w in hq["results"]) == ["WH-HQ1", "WH-HQ2"]
    quarantine = client.get(WAREHOUSES, {"kind": "quarantine"}).json()
    assert [w["code"] for w in quarantine["results"]] == ["WH-QC"]  # the after-sales quarantine warehouse
    north = client.get(WAREHOUSES, {"region": "north"}).json()
    assert [w["code"] for w in north["results"]] == ["WH-N"]


def test_a_portal_user_sees_no_warehouses(api_as):
    response = api_as("dist_e01").get(WAREHOUSES)
    assert response.status_code == 200
    assert response.json()["count"] == 0
    pk = Warehouse.objects.get(code="WH-E").pk
    assert api_as("dist_e01").get(f"{WAREHOUSES}{pk}/").status_code == 404


def test_non_admins_cannot_create_regions(api_as):
    response = api_as("manager_east").post(REGIONS, {"code": "central", "name": "华中"}, format="json")
    assert response.status_code == 403
    assert not Region.objects.filter(code="central").exists()
