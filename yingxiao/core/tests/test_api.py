"""The API contract shared by every resource: auth, pagination, `?q=`, JSON errors, the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from yingxiao.core.testing import NORTH_HENGXIN

pytestmark = pytest.mark.django_db

RESOURCES = [
    "/api/v1/regions/",
    "/api/v1/products/",
    "/api/v1/warehouses/",
    "/api/v1/distributors/",
    "/api/v1/customers/",
]


@pytest.mark.parametrize("url", RESOURCES)
def test_lists_are_paginated(api_as, url):
    body = api_as("admin").get(url).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) or body["next"]
    assert body["previous"] is None


def test_page_size_and_page(api_as):
    client = api_as("director")
    first = client.get("/api/v1/distributors/", {"page_size": 15}).json()
    assert first["count"] == 40 and len(first["results"]) == 15
    assert "page=2" in first["next"] and "page_size=15" in first["next"]
    third = client.get(first["next"].replace("page=2", "page=3")).json()
    assert len(third["results"]) == 10 and third["next"] is None and third["previous"]
    codes = [d["code"] for d in first["results"]] + [d["code"] for d in third["results"]]
    assert len(set(codes)) == 25


def test_page_size_has_a_ceiling(api_as):
    body = api_as("director").get("/api/v1/products/", {"page_size": 100000}).json()
    assert len(body["results"]) == 30  # every product fits; the cap is 500


def test_a_page_past_the_end_is_a_json_404(api_as):
    response = api_as("director").get("/api/v1/distributors/", {"page": 99})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("q", ["bjhx", "beijinghengxin", "bei jing", "BJHX", "北京恒信"])
def test_q_searches_names_and_pinyin(api_as, q):
    names = [d["name"] for d in api_as("director").get("/api/v1/distributors/", {"q": q}).json()["results"]]
    assert NORTH_HENGXIN in names


@pytest.mark.parametrize("url", RESOURCES)
def test_anonymous_requests_are_refused_as_json(url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


@pytest.mark.parametrize("url", RESOURCES)
def test_a_user_without_role_is_refused_everywhere(api_as, url):
    response = api_as("nobody").get(url)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied" and body["detail"]


def test_validation_errors_have_code_detail_and_fields(api_as):
    response = api_as("admin").post("/api/v1/products/", {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "invalid"
    assert {"code", "name", "category", "unit", "list_price"} <= set(body["fields"])
    assert all(isinstance(msgs, list) and msgs for msgs in body["fields"].values())


def test_a_body_that_is_not_json_is_a_json_400(api_as):
    response = api_as("admin").post("/api/v1/products/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_an_unknown_record_is_a_json_404(api_as):
    response = api_as("director").get("/api/v1/products/987654/")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


def test_get_changes_nothing(api_as):
    from yingxiao.core.models import AuditEntry

    before = AuditEntry.objects.count()
    for url in RESOURCES:
        api_as("admin").get(url)
    assert AuditEntry.objects.count() == before


def test_the_schema_is_served_and_names_every_resource(api_as):
    response = api_as("director").get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for url in [*RESOURCES, "/api/v1/users/me/", "/api/v1/auth/token/"]:
        assert url in paths, url
    assert "/api/v1/distributors/{id}/" in paths
    parameters = {p["name"] for p in paths["/api/v1/distributors/"]["get"]["parameters"]}
    assert {"q", "page", "page_size", "region", "status"} <= parameters


def test_the_interactive_docs_are_served_without_internet(api_as):
    response = api_as("director").get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/swagger-ui/" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
