"""`/api/v1/products/`: read by every role, written by administrators, errors as JSON."""

from decimal import Decimal

import pytest

from yingxiao.catalog.models import Product
from yingxiao.core.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/products/"
NEW = {"code": "T-300", "name": "接口新品", "category": "water", "unit": "台", "list_price": "99.90"}


def test_admin_creates_a_product(api_as):
    response = api_as("admin").post(URL, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "T-300" and body["category"] == "water" and body["category_name"] == "净水设备"
    assert body["list_price"] == "99.90"
    product = Product.objects.get(code="T-300")
    assert AuditEntry.objects.filter(
        model="catalog.product", object_id=str(product.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "W-100"}, "code"),  # duplicate code
        ({"list_price": "-1"}, "list_price"),  # negative price
        ({"list_price": "abc"}, "list_price"),
        ({"category": "ghost"}, "category"),  # unknown category code
        ({"code": "has space"}, "code"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, overrides, field):
    response = api_as("admin").post(URL, {**NEW, **overrides}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert body["detail"]
    assert not Product.objects.filter(name=NEW["name"]).exists()


@pytest.mark.parametrize("username", ["director", "rep_east", "warehouse", "dist_e01"])
def test_non_admin_writes_are_forbidden_and_change_nothing(api_as, username):
    client = api_as(username)
    response = client.post(URL, NEW, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Product.objects.filter(code="T-300").exists()

    product = Product.objects.get(code="W-100")
    response = client.patch(f"{URL}{product.pk}/", {"list_price": "1.00"}, format="json")
    assert response.status_code == 403
    assert Product.objects.get(pk=product.pk).list_price == Decimal("2599.00")


def test_admin_updates_a_product_and_it_is_audited(api_as):
    product = Product.objects.get(code="W-100")
    response = api_as("admin").patch(f"{URL}{product.pk}/", {"list_price": "2799.00"}, format="json")
    assert response.status_code == 200
    assert response.json()["list_price"] == "2799.00"
    entry = AuditEntry.objects.filter(model="catalog.product", object_id=str(product.pk)).first()
    assert entry.action == "update" and list(entry.changes) == ["list_price"]


def test_update_refuses_a_negative_price(api_as):
    product = Product.objects.get(code="W-100")
    response = api_as("admin").patch(f"{URL}{product.pk}/", {"list_price": "-3"}, format="json")
    assert response.status_code == 400 and "list_price" in response.json()["fields"]
    assert Product.objects.get(pk=product.pk).list_price == Decimal("2599.00")


def test_every_role_reads_the_catalogue_and_filters_it(api_as):
    client = api_as("dist_e01")
    assert client.get(URL).json()["count"] == 30
    inactive = client.get(URL, {"active": "false"}).json()
    assert [p["code"] for p in inactive["results"]] == ["S-505"]
    water = client.get(URL, {"category": "water"}).json()
    assert water["count"] == 6
    assert [p["code"] for p in client.get(URL, {"q": "jingshuiqi"}).json()["results"]][:2] == [
        "W-100",
        "W-101",
    ]


def test_nobody_reads_nothing(api_as):
    response = api_as("nobody").get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
