"""`manage.py demo`: the demo company of the issue, safe to run twice. (The session fixture in the root
conftest.py has already run it once on the empty test database.)"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from yingxiao.accounts.choices import Role
from yingxiao.accounts.demo import DEMO_PASSWORD
from yingxiao.accounts.models import Membership, User

pytestmark = pytest.mark.django_db

COUNTED = [
    "accounts.User",
    "accounts.Membership",
    "org.Region",
    "org.Department",
    "org.Warehouse",
    "catalog.ProductCategory",
    "catalog.Product",
    "partners.Distributor",
    "partners.Customer",
    "core.AuditEntry",
]

COMPANY_STAFF = {
    "admin": Role.ADMIN,
    "president": Role.PRESIDENT,
    "director": Role.MARKETING_DIRECTOR,
    "market_manager": Role.MARKET_MANAGER,
    "assistant": Role.MARKETING_ASSISTANT,
    "marketer": Role.MARKETING_STAFF,
    "finance": Role.FINANCE,
    "warehouse": Role.WAREHOUSE,
    "service": Role.CUSTOMER_SERVICE,
    "quality": Role.QUALITY,
    "tech": Role.TECHNICAL_SUPPORT,
}
REGIONS = {"east": "华东", "north": "华北", "south": "华南", "west": "西南"}


def counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def test_running_the_demo_again_changes_nothing():
    before = counts()
    call_command("demo", quiet_logins=True, stdout=io.StringIO())
    assert counts() == before


def test_the_demo_company_has_what_the_issue_asks_for():
    from yingxiao.catalog.models import Product, ProductCategory
    from yingxiao.org.models import Region, Warehouse
    from yingxiao.partners.models import Customer, Distributor

    top = {r.code: r.name for r in Region.objects.filter(parent__isnull=True)}
    assert top == REGIONS
    assert ProductCategory.objects.count() == 5
    assert 25 <= Product.objects.count() <= 35
    assert Warehouse.objects.filter(kind="hq", region__isnull=True).count() == 2
    assert list(Warehouse.objects.filter(kind="quarantine").values_list("code", flat=True)) == ["WH-QC"]
    assert sorted(Warehouse.objects.filter(kind="regional").values_list("region__code", flat=True)) == sorted(
        REGIONS
    )
    assert 35 <= Distributor.objects.count() <= 45
    assert 15 <= Customer.objects.count() <= 25
    for code in REGIONS:
        assert Distributor.objects.filter(region__code__startswith=code).count() >= 5
        assert Customer.objects.filter(region__code__startswith=code).exists()
    assert Distributor.objects.filter(name="北京恒信科贸有限公司", region__code="north").exists()


@pytest.mark.parametrize(("username", "role"), COMPANY_STAFF.items())
def test_company_staff_logins(username, role):
    person = User.objects.get(username=username)
    assert person.check_password(DEMO_PASSWORD)
    assert person.is_active
    memberships = list(Membership.objects.filter(user=person))
    assert [(m.role, m.scope_kind) for m in memberships] == [(role, "company")]


def test_admin_is_a_superuser():
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


@pytest.mark.parametrize("region", REGIONS)
def test_regional_logins(region):
    for prefix, role in (("rep", Role.REGIONAL_REP), ("manager", Role.REGIONAL_MANAGER)):
        person = User.objects.get(username=f"{prefix}_{region}")
        assert person.check_password(DEMO_PASSWORD)
        assert [(m.role, m.region.code) for m in Membership.objects.filter(user=person)] == [(role, region)]


@pytest.mark.parametrize("region", REGIONS)
def test_a_portal_login_for_the_first_distributor_of_each_region(region):
    from yingxiao.partners.models import Distributor

    first = Distributor.objects.filter(region__code__startswith=region).order_by("code").first()
    person = User.objects.get(username=f"dist_{first.code.lower()}")
    assert person.check_password(DEMO_PASSWORD)
    assert [(m.role, m.distributor_id) for m in Membership.objects.filter(user=person)] == [
        (Role.DISTRIBUTOR, first.pk)
    ]


def test_every_demo_user_can_log_in_and_see_their_home_page(client):
    from django.urls import reverse

    for person in User.objects.all():
        client.logout()
        response = client.post(
            reverse("accounts:login"), {"username": person.username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, person.username
        assert client.get(response.url).status_code == 200, person.username


def test_the_demo_prints_the_logins():
    out = io.StringIO()
    call_command("demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("admin", "director", "rep_east", "manager_west", "dist_e01"):
        assert username in text


def test_make_runs_demo_only_fills_an_empty_database():
    """`make run` calls `demo --if-empty`: a database with users keeps exactly what it has."""
    from yingxiao.partners.models import Distributor

    Distributor.objects.filter(code="E10").delete()  # a change the company made
    out = io.StringIO()
    call_command("demo", if_empty=True, stdout=out)
    assert not Distributor.objects.filter(code="E10").exists()
    assert "not loaded again" in out.getvalue()
