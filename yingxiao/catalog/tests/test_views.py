"""Product pages: list filters and pinyin search, Excel export, create/edit, Excel import page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from yingxiao.catalog.models import Product
from yingxiao.catalog.services import PRODUCT_IMPORT_COLUMNS
from yingxiao.catalog.views import PRODUCT_COLUMNS
from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.models import AuditEntry
from yingxiao.core.testing import column, read_xlsx, xlsx_upload

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:product_list")
IMPORT = reverse("catalog:product_import")
KEYS = [c.key for c in PRODUCT_IMPORT_COLUMNS]


def codes_on_page(response):
    return [obj.code for obj, _cells in response.context["rows"]]


def test_the_product_list_filters_by_active_and_category(client_as):
    client = client_as("rep_east")
    assert codes_on_page(client.get(LIST, {"active": "false"})) == ["S-505"]
    water = codes_on_page(client.get(LIST, {"category": "water"}))
    assert water == [f"W-10{i}" for i in range(6)]


def test_the_product_list_finds_by_pinyin(client_as):
    client = client_as("dist_e01")  # portal users see the catalogue too
    found = codes_on_page(client.get(LIST, {"q": "kongqijinghuaqi"}))
    assert found == ["A-200", "A-201"]
    assert codes_on_page(client.get(LIST, {"q": "xfxt"})) == ["A-202"]  # 新风系统 by initials


def test_the_product_export_matches_the_filtered_list(client_as):
    client = client_as("director")
    response = client.get(LIST, {"category": "filter", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"].startswith('attachment; filename="products-')
    headers, rows = read_xlsx(response.content)
    assert headers == [str(c.label) for c in PRODUCT_COLUMNS]
    page = client.get(LIST, {"category": "filter"})
    assert [r[0] for r in rows] == codes_on_page(page)
    w400 = rows[0]
    assert w400[:3] == ["F-400", "RO 反渗透滤芯 400G", "滤芯耗材"]
    assert Decimal(str(w400[5])) == Decimal("399.00")  # a number in Excel, not text
    assert isinstance(w400[5], int | float)


def test_the_export_has_every_matching_row_not_only_the_first_page(client_as):
    response = client_as("director").get(LIST, {"export": "xlsx"})
    assert len(column(response.content, PRODUCT_COLUMNS[0].label)) == Product.objects.count() == 30


def test_admin_creates_a_product_through_the_page(client_as):
    client = client_as("admin")
    assert client.get(reverse("catalog:product_create")).status_code == 200
    response = client.post(
        reverse("catalog:product_create"),
        {
            "code": "T-100",
            "name": "页面新品",
            "category": Product.objects.get(code="W-100").category_id,
            "unit": "台",
            "list_price": "10.50",
            "active": "on",
        },
    )
    product = Product.objects.get(code="T-100")
    assert response.status_code == 302
    assert response.url == reverse("catalog:product_detail", args=[product.pk])
    assert product.list_price == Decimal("10.50")
    assert AuditEntry.objects.filter(
        model="catalog.product", object_id=str(product.pk), action="create"
    ).exists()


@pytest.mark.parametrize(("field", "value"), [("code", "W-100"), ("list_price", "-1")])
def test_the_product_form_refuses_bad_input(client_as, field, value):
    data = {
        "code": "T-101",
        "name": "坏输入",
        "category": Product.objects.get(code="W-100").category_id,
        "unit": "台",
        "list_price": "10",
    }
    data[field] = value
    response = client_as("admin").post(reverse("catalog:product_create"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Product.objects.filter(name="坏输入").exists()


def test_editing_a_product_through_the_page(client_as):
    product = Product.objects.get(code="W-100")
    client = client_as("admin")
    url = reverse("catalog:product_edit", args=[product.pk])
    data = {
        "code": product.code,
        "name": product.name,
        "category": product.category_id,
        "specification": product.specification,
        "unit": product.unit,
        "list_price": "2599.00",
        "active": "on",
    }
    entries = AuditEntry.objects.count()
    assert client.post(url, data).status_code == 302
    assert AuditEntry.objects.count() == entries  # nothing changed, nothing audited

    data["list_price"] = "2799.00"
    assert client.post(url, data).status_code == 302
    assert Product.objects.get(pk=product.pk).list_price == Decimal("2799.00")
    entry = AuditEntry.objects.filter(model="catalog.product", object_id=str(product.pk)).first()
    assert list(entry.changes) == ["list_price"]


def test_the_detail_page_shows_the_change_history_to_admins_only(client_as, admin_user):
    product = Product.objects.get(code="W-100")
    url = reverse("catalog:product_detail", args=[product.pk])
    assert list(client_as("admin").get(url).context["history"])
    assert not client_as("director").get(url).context["history"]


# --- import page -------------------------------------------------------------------------------------


def test_the_import_page_imports_a_good_file(client_as):
    upload = xlsx_upload(KEYS, [["T-200", "导入新品", "smart", "", "个", 49, 1]])
    response = client_as("admin").post(IMPORT, {"file": upload})
    assert response.status_code == 302 and response.url == LIST
    assert Product.objects.filter(code="T-200", category__code="smart").exists()


def test_the_import_page_lists_every_bad_row_and_saves_nothing(client_as):
    upload = xlsx_upload(
        KEYS,
        [
            ["T-210", "好", "smart", "", "个", 49, 1],
            ["T-211", "坏", "ghost", "", "个", 49, 1],
            ["T-212", "坏", "smart", "", "个", -1, 1],
        ],
    )
    response = client_as("admin").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert [row for row, _message in errors] == [3, 4]
    assert "ghost" in errors[0][1] and "标准单价" in errors[1][1]
    html = response.content.decode()
    assert "<td>3</td>" in html and "<td>4</td>" in html and "ghost" in html
    assert not Product.objects.filter(code__in=["T-210", "T-211", "T-212"]).exists()


def test_the_import_page_without_a_file(client_as):
    response = client_as("admin").post(IMPORT, {})
    assert response.status_code == 400
    assert response.context["errors"]


def test_the_import_page_refuses_a_file_that_is_not_excel(client_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("products.csv", b"code,name\n", content_type="text/csv")
    response = client_as("admin").post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert len(response.context["errors"]) == 1


@pytest.mark.parametrize("username", ["director", "rep_east", "dist_e01"])
def test_non_admins_cannot_post_an_import(client_as, username):
    upload = xlsx_upload(KEYS, [["T-220", "越权", "smart", "", "个", 1, 1]])
    assert client_as(username).post(IMPORT, {"file": upload}).status_code == 403
    assert not Product.objects.filter(code="T-220").exists()


def test_the_template_round_trips(client_as):
    client = client_as("admin")
    response = client.get(IMPORT, {"template": "1"})
    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    headers, rows = read_xlsx(response.content)
    assert headers == [str(c.label) for c in PRODUCT_IMPORT_COLUMNS]
    assert len(rows) == 1

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("template.xlsx", response.content, content_type=XLSX_MIME)
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    example = dict(zip(KEYS, rows[0], strict=True))
    product = Product.objects.get(code=example["code"])
    assert product.name == example["name"]
    assert product.list_price == Decimal(str(example["list_price"]))
