"""Distributor and customer pages: scoping through list, detail, search and export; forms; import page."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.models import AuditEntry
from yingxiao.core.testing import EAST_HENGXIN, NORTH_HENGXIN, column, read_xlsx, xlsx_upload
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.services import DISTRIBUTOR_IMPORT_COLUMNS
from yingxiao.partners.views import CUSTOMER_COLUMNS, DISTRIBUTOR_COLUMNS

pytestmark = pytest.mark.django_db

DISTRIBUTORS = reverse("partners:distributor_list")
CUSTOMERS = reverse("partners:customer_list")
IMPORT = reverse("partners:distributor_import")
NAME = DISTRIBUTOR_COLUMNS[1].label


def names_on_page(response):
    return [obj.name for obj, _cells in response.context["rows"]]


def east_distributor_names():
    return set(
        Distributor.objects.filter(region__code__in=["east", "east-sh", "east-zj"]).values_list(
            "name", flat=True
        )
    )


# --- rep_east never sees the north -------------------------------------------------------------------


def test_the_list_page_shows_a_rep_only_their_region(client_as):
    response = client_as("rep_east").get(DISTRIBUTORS)
    assert response.status_code == 200
    assert set(names_on_page(response)) == east_distributor_names()
    html = response.content.decode()
    assert NORTH_HENGXIN not in html
    assert "上海恒信商贸有限公司" in html  # a district (east-sh) distributor is listed


def test_the_detail_page_of_another_regions_distributor_is_404(client_as):
    client = client_as("rep_east")
    north = Distributor.objects.get(name=NORTH_HENGXIN)
    assert client.get(reverse("partners:distributor_detail", args=[north.pk])).status_code == 404
    district = Distributor.objects.get(code="E02")  # east-zj
    response = client.get(reverse("partners:distributor_detail", args=[district.pk]))
    assert response.status_code == 200
    assert district.name in response.content.decode()


def test_search_finds_bjhx_for_the_director_but_not_for_rep_east(client_as):
    assert names_on_page(client_as("director").get(DISTRIBUTORS, {"q": "bjhx"})) == [NORTH_HENGXIN]
    response = client_as("rep_east").get(DISTRIBUTORS, {"q": "bjhx"})
    assert response.status_code == 200
    assert names_on_page(response) == []
    assert NORTH_HENGXIN not in response.content.decode()


@pytest.mark.parametrize("q", ["bjhx", "beijinghengxin", "bei jing heng xin", "BJHX", "  北京恒信 ", "N01"])
def test_pinyin_search_on_the_list_page(client_as, q):
    assert NORTH_HENGXIN in names_on_page(client_as("director").get(DISTRIBUTORS, {"q": q}))


def test_search_matches_the_contact_too(client_as):
    assert names_on_page(client_as("director").get(DISTRIBUTORS, {"q": "zhaoguoqing"})) == [NORTH_HENGXIN]


def test_a_rep_filtering_for_another_region_gets_nothing(client_as):
    response = client_as("rep_east").get(DISTRIBUTORS, {"region": "north"})
    assert response.status_code == 200
    assert names_on_page(response) == []


def test_the_export_of_rep_east_holds_only_east_distributors(client_as):
    response = client_as("rep_east").get(DISTRIBUTORS, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    names = column(response.content, NAME)
    assert set(names) == east_distributor_names() and len(names) == 10
    assert NORTH_HENGXIN not in names


def test_an_export_with_a_search_stays_in_scope(client_as):
    response = client_as("rep_east").get(DISTRIBUTORS, {"q": "hengxin", "export": "xlsx"})
    assert column(response.content, NAME) == [EAST_HENGXIN]


def test_the_export_matches_the_visible_rows_and_the_filters(client_as):
    client = client_as("director")
    page = client.get(DISTRIBUTORS, {"status": "active", "region": "north"})
    export = client.get(DISTRIBUTORS, {"status": "active", "region": "north", "export": "xlsx"})
    headers, rows = read_xlsx(export.content)
    assert headers == [str(c.label) for c in DISTRIBUTOR_COLUMNS]
    assert [r[1] for r in rows] == names_on_page(page)
    assert len(rows) == Distributor.objects.filter(status="active", region__code="north").count() == 7
    visible = [[str(cell) for cell in cells] for _obj, cells in page.context["rows"]]
    exported = [["" if v is None else str(v) for v in r] for r in rows]
    # Same cells, except that the page shows the credit limit as 900,000.00 and Excel keeps a number.
    credit = [str(c.key) for c in DISTRIBUTOR_COLUMNS].index("credit_limit")
    for shown, saved in zip(visible, exported, strict=True):
        assert shown[:credit] + shown[credit + 1 :] == saved[:credit] + saved[credit + 1 :]
        assert Decimal(shown[credit].replace(",", "")) == Decimal(saved[credit])
    assert isinstance(rows[0][credit], int | float)


def test_the_status_filter(client_as):
    names = names_on_page(client_as("director").get(DISTRIBUTORS, {"status": "terminated"}))
    assert sorted(names) == sorted(
        Distributor.objects.filter(status="terminated").values_list("name", flat=True)
    )
    assert len(names) == 2


def test_the_list_is_paginated(client_as):
    client = client_as("director")
    first = client.get(DISTRIBUTORS)
    second = client.get(DISTRIBUTORS, {"page": 2})
    assert len(names_on_page(first)) == 25 and len(names_on_page(second)) == 15
    assert not set(names_on_page(first)) & set(names_on_page(second))


def test_an_htmx_request_gets_only_the_results(client_as):
    response = client_as("director").get(DISTRIBUTORS, {"q": "bjhx"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert NORTH_HENGXIN in html
    assert "<html" not in html


def test_a_portal_user_sees_only_its_own_distributor(client_as):
    client = client_as("dist_e01")
    response = client.get(DISTRIBUTORS)
    assert names_on_page(response) == [EAST_HENGXIN]
    assert column(client.get(DISTRIBUTORS, {"export": "xlsx"}).content, NAME) == [EAST_HENGXIN]
    other = Distributor.objects.get(code="E02")
    assert client.get(reverse("partners:distributor_detail", args=[other.pk])).status_code == 404


def test_customer_pages_are_scoped(client_as):
    client = client_as("rep_east")
    response = client.get(CUSTOMERS)
    names = names_on_page(response)
    assert len(names) == 5
    assert "北京中关村软件园物业" not in names
    assert "北京中关村软件园物业" not in response.content.decode()
    north = Customer.objects.get(code="C-N01")
    assert client.get(reverse("partners:customer_detail", args=[north.pk])).status_code == 404
    export = client.get(CUSTOMERS, {"export": "xlsx"})
    assert set(column(export.content, CUSTOMER_COLUMNS[1].label)) == set(names)
    assert not names_on_page(client.get(CUSTOMERS, {"q": "zhongguancun"}))
    assert names_on_page(client_as("director").get(CUSTOMERS, {"q": "zhongguancun"})) == [
        "北京中关村软件园物业"
    ]


def test_the_distributor_detail_lists_its_customers(client_as):
    distributor = Distributor.objects.get(code="E02")
    response = client_as("rep_east").get(reverse("partners:distributor_detail", args=[distributor.pk]))
    assert [c.code for c in response.context["customers"]] == ["C-E02"]


# --- forms -------------------------------------------------------------------------------------------


def distributor_form(**overrides):
    data = {
        "code": "E80",
        "name": "页面新建有限公司",
        "region": Region.objects.get(code="east").pk,
        "grade": "B",
        "credit_limit": "50000",
        "status": "candidate",
    }
    data.update(overrides)
    return data


def test_admin_creates_a_distributor_through_the_page(client_as):
    response = client_as("admin").post(reverse("partners:distributor_create"), distributor_form())
    distributor = Distributor.objects.get(code="E80")
    assert response.status_code == 302
    assert response.url == reverse("partners:distributor_detail", args=[distributor.pk])
    assert AuditEntry.objects.filter(model="partners.distributor", object_id=str(distributor.pk)).exists()


@pytest.mark.parametrize(("field", "value"), [("code", "E01"), ("credit_limit", "-5"), ("region", "999999")])
def test_the_distributor_form_refuses_bad_input(client_as, field, value):
    response = client_as("admin").post(
        reverse("partners:distributor_create"), distributor_form(**{field: value})
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Distributor.objects.filter(name="页面新建有限公司").exists()


def test_the_customer_form_refuses_a_distributor_of_another_region(client_as):
    data = {
        "code": "C-P1",
        "name": "跨区页面客户",
        "region": Region.objects.get(code="east").pk,
        "distributor": Distributor.objects.get(code="N01").pk,
        "active": "on",
    }
    response = client_as("admin").post(reverse("partners:customer_create"), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "distributor" in form.errors or form.non_field_errors()
    assert not Customer.objects.filter(code="C-P1").exists()


def test_editing_a_distributor_without_change_writes_no_audit_entry(client_as):
    distributor = Distributor.objects.get(code="E01")
    data = {
        "code": distributor.code,
        "name": distributor.name,
        "region": distributor.region_id,
        "grade": distributor.grade,
        "credit_limit": str(distributor.credit_limit),
        "status": distributor.status,
        "rep": distributor.rep_id,
        "contact_name": distributor.contact_name,
        "contact_phone": distributor.contact_phone,
        "address": distributor.address,
    }
    client = client_as("admin")
    url = reverse("partners:distributor_edit", args=[distributor.pk])
    before = AuditEntry.objects.count()
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.count() == before
    data["status"] = "suspended"
    assert client.post(url, data).status_code == 302
    entry = AuditEntry.objects.filter(model="partners.distributor", object_id=str(distributor.pk)).first()
    assert entry.changes == {"status": ["active", "suspended"]}


def test_a_rep_cannot_post_the_edit_form(client_as):
    distributor = Distributor.objects.get(code="E01")
    response = client_as("rep_east").post(
        reverse("partners:distributor_edit", args=[distributor.pk]), {"status": "terminated"}
    )
    assert response.status_code == 403
    assert Distributor.objects.get(pk=distributor.pk).status == "active"


# --- import page -------------------------------------------------------------------------------------

KEYS = [c.key for c in DISTRIBUTOR_IMPORT_COLUMNS]


def test_the_distributor_import_page(client_as):
    upload = xlsx_upload(KEYS[:3], [["S80", "广州导入测试有限公司", "south"]])
    response = client_as("admin").post(IMPORT, {"file": upload})
    assert response.status_code == 302 and response.url == DISTRIBUTORS
    assert Distributor.objects.get(code="S80").region.code == "south"


def test_the_distributor_import_page_lists_bad_rows(client_as):
    upload = xlsx_upload(KEYS[:3], [["S81", "好", "south"], ["S82", "坏", "mars"]])
    response = client_as("admin").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert [(row, "mars" in message) for row, message in response.context["errors"]] == [(3, True)]
    assert not Distributor.objects.filter(code__in=["S81", "S82"]).exists()


def test_the_distributor_template_round_trips(client_as):
    client = client_as("admin")
    template = client.get(IMPORT, {"template": "1"})
    headers, rows = read_xlsx(template.content)
    assert headers == [str(c.label) for c in DISTRIBUTOR_IMPORT_COLUMNS]
    upload = SimpleUploadedFile("t.xlsx", template.content, content_type=XLSX_MIME)
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    example = dict(zip(KEYS, rows[0], strict=True))
    imported = Distributor.objects.get(code=example["code"])
    assert imported.name == example["name"]
    assert imported.region.code == example["region"]


def test_filtering_by_a_region_includes_its_districts(client_as):
    """华东 is split into 上海片区 and 浙江片区: filtering the list by 华东 must show their distributors too,
    exactly as the east rep sees them."""
    director_east = names_on_page(client_as("director").get(DISTRIBUTORS, {"region": "east"}))
    assert set(director_east) == east_distributor_names()
    assert EAST_HENGXIN in director_east  # sits in east-sh
    district_only = names_on_page(client_as("director").get(DISTRIBUTORS, {"region": "east-sh"}))
    assert set(district_only) == set(
        Distributor.objects.filter(region__code="east-sh").values_list("name", flat=True)
    )


def test_an_export_neutralises_spreadsheet_formulas(client_as, admin_user):
    """Names come from imports and forms; a value like '=HYPERLINK(...)' must reach Excel as text."""
    from io import BytesIO

    from openpyxl import load_workbook

    from yingxiao.partners.services import distributor_update

    distributor = Distributor.objects.get(code="E01")
    distributor_update(
        actor=admin_user, distributor=distributor, contact_name='=HYPERLINK("http://x.test","点我")'
    )
    response = client_as("director").get(DISTRIBUTORS, {"q": "E01", "export": "xlsx"})
    ws = load_workbook(BytesIO(response.content)).active
    contact = [c.key for c in DISTRIBUTOR_COLUMNS].index("contact_name") + 1
    cell = ws.cell(row=2, column=contact)
    assert str(cell.value).endswith('=HYPERLINK("http://x.test","点我")')
    assert cell.data_type != "f", "exported text became a formula"
