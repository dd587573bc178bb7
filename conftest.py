"""Test set-up shared by every app: the demo company is loaded once, right after the test database
is created; each test then runs inside a transaction that is rolled back, so it sees the demo data
and may change it freely. (Tests must not use `transactional_db`: its flush would empty the demo.)
"""

import pytest
from django.core.management import call_command

from yingxiao.core import testing


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the demo company in it."""
    with django_db_blocker.unblock():
        call_command("demo", quiet_logins=True)


@pytest.fixture
def user(db):
    """`user("rep_east")`: a demo user by username; `user("nobody")` is a login with no role."""
    from yingxiao.accounts.models import User
    from yingxiao.accounts.services import user_create

    def get(username: str) -> User:
        if username == testing.NOBODY and not User.objects.filter(username=username).exists():
            return user_create(actor=None, username=username, password="nobody-pass-123", full_name="无角色")
        return User.objects.get(username=username)

    return get


@pytest.fixture
def admin_user(user):
    """The demo system administrator (overrides pytest-django's fixture of the same name)."""
    return user(testing.ADMIN)


@pytest.fixture
def client_as(user):
    """`client_as("rep_east")`: a page client logged in as that demo user."""

    def make(username: str):
        return testing.logged_in(user(username))

    return make


@pytest.fixture
def api_as(user):
    """`api_as("rep_east")`: a DRF client authenticated as that demo user (session)."""

    from rest_framework.test import APIClient

    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_login(user(username))
        return client

    return make


@pytest.fixture
def api_client():
    """An anonymous API client."""
    from rest_framework.test import APIClient

    return APIClient()
