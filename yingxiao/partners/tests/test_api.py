"""`/api/v1/distributors/` and `/api/v1/customers/`: scoped like the pages; admin writes; JSON errors."""

import pytest

from yingxiao.core.models import AuditEntry
from yingxiao.core.testing import EAST_HENGXIN, NORTH_HENGXIN
from yingxiao.partners.models import Customer, Distributor

pytestmark = pytest.mark.django_db

DISTRIBUTORS = "/api/v1/distributors/"
CUSTOMERS = "/api/v1/customers/"
NEW = {"code": "E90", "name": "接口新建有限公司", "region": "east-sh", "credit_limit": "10000.00"}


def names(response):
    assert response.status_code == 200, response.content
    return [d["name"] for d in response.json()["results"]]


# --- scope -------------------------------------------------------------------------------------------


def test_rep_east_lists_only_east_distributors(api_as):
    body = api_as("rep_east").get(DISTRIBUTORS).json()
    assert body["count"] == 10
    assert {d["region"] for d in body["results"]} == {"east", "east-sh", "east-zj"}
    assert NORTH_HENGXIN not in [d["name"] for d in body["results"]]


def test_q_finds_bjhx_for_the_director_only(api_as):
    assert names(api_as("director").get(DISTRIBUTORS, {"q": "bjhx"})) == [NORTH_HENGXIN]
    assert names(api_as("director").get(DISTRIBUTORS, {"q": "beijinghengxin"})) == [NORTH_HENGXIN]
    assert names(api_as("rep_east").get(DISTRIBUTORS, {"q": "bjhx"})) == []
    assert names(api_as("rep_east").get(DISTRIBUTORS, {"q": "hengxin"})) == [EAST_HENGXIN]


def test_retrieving_another_regions_distributor_is_404(api_as):
    north = Distributor.objects.get(name=NORTH_HENGXIN)
    response = api_as("rep_east").get(f"{DISTRIBUTORS}{north.pk}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    east = Distributor.objects.get(code="E01")
    assert api_as("rep_east").get(f"{DISTRIBUTORS}{east.pk}/").json()["name"] == EAST_HENGXIN


def test_filtering_for_another_region_gives_nothing(api_as):
    assert api_as("rep_east").get(DISTRIBUTORS, {"region": "north"}).json()["count"] == 0


def test_customers_are_scoped(api_as):
    body = api_as("rep_east").get(CUSTOMERS).json()
    assert body["count"] == 5 and {c["region"] for c in body["results"]} == {"east"}
    north = Customer.objects.get(code="C-N01")
    assert api_as("rep_east").get(f"{CUSTOMERS}{north.pk}/").status_code == 404
    assert api_as("rep_east").get(CUSTOMERS, {"q": "zhongguancun"}).json()["count"] == 0
    assert api_as("director").get(CUSTOMERS, {"q": "zhongguancun"}).json()["count"] == 1


def test_a_portal_user_gets_its_own_distributor_and_no_customers(api_as):
    client = api_as("dist_e01")
    assert names(client.get(DISTRIBUTORS)) == [EAST_HENGXIN]
    assert client.get(CUSTOMERS).json()["count"] == 0
    other = Distributor.objects.get(code="E02")
    assert client.get(f"{DISTRIBUTORS}{other.pk}/").status_code == 404


@pytest.mark.parametrize("url", [DISTRIBUTORS, CUSTOMERS])
def test_a_user_without_role_is_refused(api_as, url):
    response = api_as("nobody").get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# --- writes ------------------------------------------------------------------------------------------


def test_admin_creates_a_distributor(api_as):
    response = api_as("admin").post(DISTRIBUTORS, {**NEW, "rep": "rep_east"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"] == "east-sh" and body["rep"] == "rep_east"
    assert body["status"] == "candidate" and body["status_display"]
    created = Distributor.objects.get(code="E90")
    assert AuditEntry.objects.filter(model="partners.distributor", object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "E01"}, "code"),  # duplicate
        ({"region": "atlantis"}, "region"),  # unknown region
        ({"credit_limit": "-1"}, "credit_limit"),
        ({"grade": "Z"}, "grade"),
        ({"rep": "ghost_user"}, "rep"),
    ],
)
def test_bad_distributors_are_400_naming_the_field(api_as, overrides, field):
    response = api_as("admin").post(DISTRIBUTORS, {**NEW, **overrides}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"] and body["detail"]
    assert not Distributor.objects.filter(name=NEW["name"]).exists()


def test_a_customer_with_a_distributor_of_another_region_is_400(api_as):
    payload = {"code": "C-A1", "name": "跨区接口客户", "region": "east", "distributor": "N01"}
    response = api_as("admin").post(CUSTOMERS, payload, format="json")
    assert response.status_code == 400
    assert "distributor" in response.json()["fields"]
    assert not Customer.objects.filter(code="C-A1").exists()


def test_a_customer_with_an_unknown_region_is_400(api_as):
    response = api_as("admin").post(
        CUSTOMERS, {"code": "C-A2", "name": "无区客户", "region": "nowhere"}, format="json"
    )
    assert response.status_code == 400 and "region" in response.json()["fields"]


@pytest.mark.parametrize("username", ["director", "rep_east", "manager_east", "dist_e01"])
def test_non_admin_writes_are_403_and_change_nothing(api_as, username):
    client = api_as(username)
    response = client.post(DISTRIBUTORS, NEW, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Distributor.objects.filter(code="E90").exists()
    own = Distributor.objects.get(code="E01")
    assert (
        client.patch(f"{DISTRIBUTORS}{own.pk}/", {"status": "terminated"}, format="json").status_code == 403
    )
    assert Distributor.objects.get(pk=own.pk).status == "active"


def test_admin_updates_a_distributor(api_as):
    distributor = Distributor.objects.get(code="E01")
    response = api_as("admin").patch(
        f"{DISTRIBUTORS}{distributor.pk}/", {"status": "suspended"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    entry = AuditEntry.objects.filter(model="partners.distributor", object_id=str(distributor.pk)).first()
    assert entry.changes == {"status": ["active", "suspended"]}


def test_there_is_no_delete(api_as):
    distributor = Distributor.objects.get(code="E01")
    response = api_as("admin").delete(f"{DISTRIBUTORS}{distributor.pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert Distributor.objects.filter(pk=distributor.pk).exists()


def test_the_region_filter_includes_districts(api_as):
    body = api_as("director").get(DISTRIBUTORS, {"region": "east", "page_size": 100}).json()
    assert body["count"] == Distributor.objects.filter(region__code__startswith="east").count() == 10
