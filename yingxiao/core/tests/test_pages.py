"""Every page of the foundation × every persona: 200 for those who may see it, 403 for the others,
a redirect to the login page for anonymous visitors. Also: every list exports what it shows, and list
pages run a fixed number of queries whatever the row count (rule 7)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import PERSONAS, read_xlsx

pytestmark = pytest.mark.django_db

# Who may open a page: any logged-in user / anyone with a role / staff (not portal users) / admins.
LOGIN, ROLE, STAFF, ADMIN = "login", "role", "staff", "admin"

#: What each persona may do (the demo's users, plus "nobody" who has no role).
CAN = {
    "admin": {LOGIN, ROLE, STAFF, ADMIN},
    "director": {LOGIN, ROLE, STAFF},
    "rep_east": {LOGIN, ROLE, STAFF},
    "warehouse": {LOGIN, ROLE, STAFF},
    "dist_e01": {LOGIN, ROLE},
    "nobody": {LOGIN},
}

#: The record each detail/edit page is opened with: one every persona allowed on the page can see.
OBJECTS = {
    "distributor": ("partners.Distributor", {"code": "E01"}),  # the portal user's own distributor
    "customer": ("partners.Customer", {"code": "C-E01"}),
    "product": ("catalog.Product", {"code": "W-100"}),
    "category": ("catalog.ProductCategory", {"code": "water"}),
    "region": ("org.Region", {"code": "east"}),
    "department": ("org.Department", {"code": "market"}),
    "warehouse": ("org.Warehouse", {"code": "WH-E"}),
}

PAGES = [
    # url name, object, who may, extra query
    ("core:home", None, LOGIN, {}),
    ("accounts:profile", None, LOGIN, {}),
    ("accounts:password_change", None, LOGIN, {}),
    ("accounts:password_change_done", None, LOGIN, {}),
    ("core:audit_list", None, ADMIN, {}),
    ("core:audit_list", None, ADMIN, {"export": "xlsx"}),
    ("partners:distributor_list", None, ROLE, {}),
    ("partners:distributor_list", None, ROLE, {"export": "xlsx"}),
    ("partners:distributor_detail", "distributor", ROLE, {}),
    ("partners:distributor_create", None, ADMIN, {}),
    ("partners:distributor_edit", "distributor", ADMIN, {}),
    ("partners:distributor_import", None, ADMIN, {}),
    ("partners:distributor_import", None, ADMIN, {"template": "1"}),
    ("partners:customer_list", None, STAFF, {}),
    ("partners:customer_list", None, STAFF, {"export": "xlsx"}),
    ("partners:customer_detail", "customer", STAFF, {}),
    ("partners:customer_create", None, ADMIN, {}),
    ("partners:customer_edit", "customer", ADMIN, {}),
    ("catalog:product_list", None, ROLE, {}),
    ("catalog:product_list", None, ROLE, {"export": "xlsx"}),
    ("catalog:product_detail", "product", ROLE, {}),
    ("catalog:product_create", None, ADMIN, {}),
    ("catalog:product_edit", "product", ADMIN, {}),
    ("catalog:product_import", None, ADMIN, {}),
    ("catalog:product_import", None, ADMIN, {"template": "1"}),
    ("catalog:category_list", None, STAFF, {}),
    ("catalog:category_list", None, STAFF, {"export": "xlsx"}),
    ("catalog:category_detail", "category", STAFF, {}),
    ("catalog:category_create", None, ADMIN, {}),
    ("catalog:category_edit", "category", ADMIN, {}),
    ("org:region_list", None, STAFF, {}),
    ("org:region_list", None, STAFF, {"export": "xlsx"}),
    ("org:region_detail", "region", STAFF, {}),
    ("org:region_create", None, ADMIN, {}),
    ("org:region_edit", "region", ADMIN, {}),
    ("org:department_list", None, STAFF, {}),
    ("org:department_list", None, STAFF, {"export": "xlsx"}),
    ("org:department_detail", "department", STAFF, {}),
    ("org:department_create", None, ADMIN, {}),
    ("org:department_edit", "department", ADMIN, {}),
    ("org:warehouse_list", None, STAFF, {}),
    ("org:warehouse_list", None, STAFF, {"export": "xlsx"}),
    ("org:warehouse_detail", "warehouse", STAFF, {}),
    ("org:warehouse_create", None, ADMIN, {}),
    ("org:warehouse_edit", "warehouse", ADMIN, {}),
]


def page_id(page):
    name, _obj, _who, query = page
    return name + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def url_of(name, obj_key):
    if obj_key is None:
        return reverse(name)
    model, lookup = OBJECTS[obj_key]
    return reverse(name, args=[apps.get_model(model).objects.get(**lookup).pk])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_a_page_renders_for_those_allowed_and_is_refused_to_others(client_as, page, persona):
    name, obj_key, who, query = page
    response = client_as(persona).get(url_of(name, obj_key), query)
    if who in CAN[persona]:
        assert response.status_code == 200, f"{persona} should open {name}"
        if "export" in query or "template" in query:
            assert response["Content-Type"] == XLSX_MIME
        else:
            assert response["Content-Type"].startswith("text/html")
    else:
        assert response.status_code == 403, f"{persona} should be refused {name}"
        assert XLSX_MIME not in response.get("Content-Type", "")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_anonymous_visitors_are_sent_to_login(client, page):
    name, obj_key, _who, query = page
    url = url_of(name, obj_key)
    response = client.get(url, query)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")


def test_the_portal_user_gets_403_on_warehouses_and_regions(client_as):
    client = client_as("dist_e01")
    assert client.get(reverse("org:warehouse_list")).status_code == 403
    assert client.get(reverse("org:region_list")).status_code == 403


def test_django_admin_is_for_superusers(client_as):
    assert client_as("admin").get("/django-admin/").status_code == 200
    response = client_as("director").get("/django-admin/")
    assert response.status_code == 302 and "login" in response.url


def test_create_and_import_buttons_appear_for_admins_only(client_as):
    url = reverse("partners:distributor_list")
    admin = client_as("admin").get(url).context
    assert admin["create_url"] == reverse("partners:distributor_create")
    assert admin["import_url"] == reverse("partners:distributor_import")
    director = client_as("director").get(url).context
    assert director["create_url"] == "" and director["import_url"] == ""


def menu_urls(client):
    menu = client.get(reverse("core:home")).context["menu"]
    return [entry["url"] for group in menu for entry in group["entries"]]


def test_the_sidebar_shows_only_what_the_user_may_open(client_as):
    portal = menu_urls(client_as("dist_e01"))
    assert reverse("partners:distributor_list") in portal
    assert reverse("catalog:product_list") in portal
    assert reverse("org:warehouse_list") not in portal
    assert reverse("partners:customer_list") not in portal
    assert reverse("core:audit_list") in menu_urls(client_as("admin"))
    assert reverse("core:audit_list") not in menu_urls(client_as("director"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_sidebar_has_no_dead_links(client_as, persona):
    client = client_as(persona)
    for url in menu_urls(client):
        assert client.get(url).status_code == 200, f"{persona}: {url}"


def test_the_home_page_counts_only_what_the_user_sees(client_as):
    from yingxiao.partners.models import Distributor

    def cards(username):
        response = client_as(username).get(reverse("core:home"))
        assert response.status_code == 200
        return {c["icon"]: c["value"] for c in response.context["cards"]}

    active = Distributor.objects.filter(status="active")
    assert cards("director")["ti-building-store"] == active.count()
    assert cards("rep_east")["ti-building-store"] == active.filter(region__code__startswith="east").count()
    assert cards("rep_east")["ti-users"] == 5  # east customers
    assert cards("dist_e01")["ti-building-store"] == 1
    assert "ti-building-warehouse" not in cards("dist_e01")
    assert set(cards("nobody").values()) == {0}


# --- exports -----------------------------------------------------------------------------------------

LISTS = [
    # url name, selector, persona
    ("partners:distributor_list", "yingxiao.partners.selectors.distributors_for", "rep_east"),
    ("partners:customer_list", "yingxiao.partners.selectors.customers_for", "rep_east"),
    ("catalog:product_list", "yingxiao.catalog.selectors.products_for", "dist_e01"),
    ("catalog:category_list", "yingxiao.catalog.selectors.categories_for", "director"),
    ("org:region_list", "yingxiao.org.selectors.regions_for", "director"),
    ("org:department_list", "yingxiao.org.selectors.departments_for", "director"),
    ("org:warehouse_list", "yingxiao.org.selectors.warehouses_for", "warehouse"),
]


@pytest.mark.parametrize(("name", "selector_path", "persona"), LISTS)
def test_every_list_exports_the_rows_its_selector_gives(client_as, user, name, selector_path, persona):
    from django.utils.module_loading import import_string

    client = client_as(persona)
    page = client.get(reverse(name))
    export = client.get(reverse(name), {"export": "xlsx"})
    headers, rows = read_xlsx(export.content)

    assert headers == [str(c.label) for c in page.context["columns"]]
    visible = import_string(selector_path)(user(persona))
    assert len(rows) == visible.count() > 0
    codes = [r[0] for r in rows]
    assert codes == [obj.code for obj in visible]  # same rows, same order
    first_page_codes = [cells[0] for _obj, cells in page.context["rows"]]
    assert codes[: len(first_page_codes)] == [str(c) for c in first_page_codes]


def test_the_audit_log_export_lists_the_changes(client_as, admin_user):
    from yingxiao.catalog.models import Product
    from yingxiao.catalog.services import product_update

    product_update(actor=admin_user, product=Product.objects.get(code="W-100"), list_price=Decimal("1"))
    headers, rows = read_xlsx(client_as("admin").get(reverse("core:audit_list"), {"export": "xlsx"}).content)
    assert len(headers) == 6
    newest = rows[0]
    assert "W-100" in newest[4] and "标准单价" in newest[5]


# --- a fixed number of queries per list page ---------------------------------------------------------

TOKEN = "zzqq"  # found by search in every row made below, and in no demo record


def _grow(kind, admin, start, count):
    """Add `count` records of `kind` whose code contains TOKEN, with their relations filled in."""
    from yingxiao.catalog.models import ProductCategory
    from yingxiao.catalog.services import category_create, product_create
    from yingxiao.org.models import Region
    from yingxiao.org.services import department_create, region_create, warehouse_create
    from yingxiao.partners.models import Distributor
    from yingxiao.partners.services import customer_create, distributor_create

    east = Region.objects.get(code="east")
    for i in range(start, start + count):
        code = f"{TOKEN}-{i:03d}"
        if kind == "distributor":
            distributor_create(actor=admin, code=code, name=f"测试{i}", region=east, rep=admin)
        elif kind == "customer":
            dist = Distributor.objects.get(code="E03")
            customer_create(actor=admin, code=code, name=f"客户{i}", region=east, distributor=dist)
        elif kind == "product":
            product_create(
                actor=admin,
                code=code,
                name=f"产品{i}",
                category=ProductCategory.objects.get(code="water"),
                unit="台",
                list_price=Decimal(i),
            )
        elif kind == "category":
            category_create(actor=admin, code=code, name=f"品类{i}")
        elif kind == "region":
            region_create(actor=admin, code=code, name=f"片区{i}", parent=east)
        elif kind == "department":
            department_create(actor=admin, code=code, name=f"部门{i}", head=admin)
        elif kind == "warehouse":
            warehouse_create(actor=admin, code=code, name=f"仓{i}", kind="regional", region=east)


QUERY_LISTS = [
    ("partners:distributor_list", "distributor"),
    ("partners:customer_list", "customer"),
    ("catalog:product_list", "product"),
    ("catalog:category_list", "category"),
    ("org:region_list", "region"),
    ("org:department_list", "department"),
    ("org:warehouse_list", "warehouse"),
]


def _count_queries(client, url, query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.parametrize(("name", "kind"), QUERY_LISTS)
@pytest.mark.parametrize("export", [False, True], ids=["page", "export"])
def test_list_pages_use_a_fixed_number_of_queries(admin_user, name, kind, export):
    client = Client()
    client.force_login(admin_user)
    url = reverse(name)
    query = {"q": TOKEN, **({"export": "xlsx"} if export else {})}

    _grow(kind, admin_user, 0, 5)
    few, response = _count_queries(client, url, query)
    if not export:
        assert len(response.context["rows"]) == 5
    _grow(kind, admin_user, 5, 20)  # 25 rows: a full page
    many, response = _count_queries(client, url, query)
    if not export:
        assert len(response.context["rows"]) == 25
    else:
        assert len(read_xlsx(response.content)[1]) == 25

    assert few == many, f"{name}: {few} queries for 5 rows, {many} for 25"


def test_distributor_list_queries_do_not_grow_with_forty_rows(admin_user):
    """The brief's own numbers: 5 distributors against 40 (the list shows 25 a page, the export all)."""
    client = Client()
    client.force_login(admin_user)
    url = reverse("partners:distributor_list")
    _grow("distributor", admin_user, 0, 5)
    few_page, _ = _count_queries(client, url, {"q": TOKEN})
    few_export, _ = _count_queries(client, url, {"q": TOKEN, "export": "xlsx"})
    _grow("distributor", admin_user, 5, 35)
    many_page, _ = _count_queries(client, url, {"q": TOKEN})
    many_export, response = _count_queries(client, url, {"q": TOKEN, "export": "xlsx"})
    assert len(read_xlsx(response.content)[1]) == 40
    assert (few_page, few_export) == (many_page, many_export)


def test_a_refused_page_keeps_the_layout_and_says_why(client_as):
    response = client_as("director").get(reverse("aftersales:return_create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "navbar-vertical" in html and 'href="/static/core/favicon.svg"' in html  # the site's layout
    assert "您无权访问此页面。" in html  # the PermissionDenied message
    assert f'href="{reverse("core:home")}"' in html and "403 Forbidden" not in html


def test_a_missing_page_keeps_the_layout(client_as):
    response = client_as("director").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "navbar-vertical" in html and f'href="{reverse("core:home")}"' in html
