"""`POST /api/v1/auth/token/` and `GET /api/v1/users/me/`."""

import pytest
from rest_framework.test import APIClient

from yingxiao.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/users/me/"


def test_a_token_from_the_password_authenticates_later_requests(api_client):
    response = api_client.post(TOKEN, {"username": "rep_east", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(ME)
    assert me.status_code == 200
    assert me.json()["username"] == "rep_east"
    assert client.get("/api/v1/distributors/").status_code == 200


def test_the_same_user_gets_the_same_token(api_client):
    first = api_client.post(TOKEN, {"username": "rep_east", "password": DEMO_PASSWORD}, format="json")
    second = api_client.post(TOKEN, {"username": "rep_east", "password": DEMO_PASSWORD}, format="json")
    assert first.json()["token"] == second.json()["token"]


def test_a_wrong_password_is_a_json_400(api_client):
    response = api_client.post(TOKEN, {"username": "rep_east", "password": "nope"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert "non_field_errors" in body["fields"]
    assert "token" not in body


def test_missing_fields_are_named(api_client):
    response = api_client.post(TOKEN, {"username": "rep_east"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]


def test_a_bad_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = api_client.get(ME)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "authentication_failed"


def test_failed_token_requests_count_towards_the_lockout(api_client, client):
    for _ in range(5):
        response = api_client.post(TOKEN, {"username": "rep_east", "password": "nope"}, format="json")
        assert response.status_code == 400
    response = api_client.post(TOKEN, {"username": "rep_east", "password": DEMO_PASSWORD}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "locked"
    assert "token" not in response.json()
    # The same account is locked on the login page too.
    page = client.post("/accounts/login/", {"username": "rep_east", "password": DEMO_PASSWORD})
    assert page.status_code != 302
    assert "_auth_user_id" not in client.session


def test_me_returns_roles_and_a_regional_scope(api_as):
    body = api_as("rep_east").get(ME).json()
    assert body["username"] == "rep_east"
    assert body["full_name"] == "王磊"
    assert body["roles"] == ["regional_rep"]
    [membership] = body["memberships"]
    assert membership["role"] == "regional_rep"
    assert membership["scope"] == "region"
    assert membership["region"] == "east"
    assert membership["distributor"] is None
    assert membership["scope_label"] == "华东"


def test_me_for_a_portal_user_names_the_distributor(api_as):
    [membership] = api_as("dist_e01").get(ME).json()["memberships"]
    assert membership["role"] == "distributor"
    assert membership["scope"] == "distributor"
    assert membership["distributor"] == "E01"
    assert membership["region"] is None


def test_me_for_company_staff(api_as):
    body = api_as("director").get(ME).json()
    assert body["roles"] == ["marketing_director"]
    assert body["memberships"][0]["scope"] == "company"


def test_me_for_a_user_without_roles_is_empty(api_as):
    body = api_as("nobody").get(ME).json()
    assert body["roles"] == [] and body["memberships"] == []


def test_me_needs_authentication(api_client):
    response = api_client.get(ME)
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "not_authenticated"


def test_me_lists_the_admin_role_of_a_superuser_without_membership(api_as, user):
    """`createsuperuser` makes an administrator with no membership row; scope_of treats them as admin,
    so /users/me/ must say so too."""
    from yingxiao.accounts.models import User

    person = user("nobody")
    User.objects.filter(pk=person.pk).update(is_superuser=True, is_staff=True)
    body = api_as("nobody").get(ME).json()
    assert "admin" in body["roles"]
