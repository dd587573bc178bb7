"""Product and category writes: admin only, validated, audited; the all-or-nothing Excel import."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from yingxiao.catalog.models import Product, ProductCategory
from yingxiao.catalog.services import (
    PRODUCT_IMPORT_COLUMNS,
    category_create,
    category_update,
    product_create,
    product_import,
    product_update,
)
from yingxiao.core.excel import ImportRejected
from yingxiao.core.models import AuditEntry
from yingxiao.core.testing import xlsx_file

pytestmark = pytest.mark.django_db

KEYS = [c.key for c in PRODUCT_IMPORT_COLUMNS]


def product_fields(**overrides):
    fields = {
        "code": "T-900",
        "name": "测试净水器",
        "category": ProductCategory.objects.get(code="water"),
        "specification": "100G",
        "unit": "台",
        "list_price": Decimal("1280.00"),
        "active": True,
    }
    fields.update(overrides)
    return fields


def audit_of(instance):
    return AuditEntry.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk))


# --- create and update -------------------------------------------------------------------------------


def test_admin_creates_a_product_and_the_audit_lists_its_fields(admin_user):
    product = product_create(actor=admin_user, **product_fields())

    assert Product.objects.get(code="T-900").list_price == Decimal("1280.00")
    [entry] = audit_of(product)
    assert entry.action == "create" and entry.actor == admin_user
    assert entry.changes["code"] == ["", "T-900"]
    assert entry.changes["list_price"] == ["", "1280.00"]
    assert entry.changes["category"] == ["", "净水设备"]


@pytest.mark.parametrize("username", ["director", "rep_east", "warehouse", "dist_e01", "nobody"])
def test_only_an_administrator_writes_products(user, username):
    actor = user(username)
    with pytest.raises(PermissionDenied):
        product_create(actor=actor, **product_fields())
    product = Product.objects.get(code="W-100")
    with pytest.raises(PermissionDenied):
        product_update(actor=actor, product=product, list_price=Decimal("1"))
    with pytest.raises(PermissionDenied):
        category_create(actor=actor, code="x", name="x")
    assert not Product.objects.filter(code="T-900").exists()
    assert Product.objects.get(code="W-100").list_price == Decimal("2599.00")


def test_update_audits_only_the_changed_fields(admin_user):
    product = Product.objects.get(code="W-100")
    before = audit_of(product).count()

    product_update(
        actor=admin_user, product=product, list_price=Decimal("2699.00"), name=product.name, unit=product.unit
    )

    assert audit_of(product).count() == before + 1
    entry = audit_of(product).first()  # newest first
    assert entry.action == "update"
    assert entry.changes == {"list_price": ["2599.00", "2699.00"]}


def test_an_update_that_changes_nothing_writes_no_audit_entry(admin_user):
    product = Product.objects.get(code="W-100")
    before = AuditEntry.objects.count()
    product_update(
        actor=admin_user, product=product, list_price=Decimal("2599"), name=product.name, active=True
    )
    assert AuditEntry.objects.count() == before


def test_a_duplicate_code_is_refused(admin_user):
    with pytest.raises(ValidationError) as exc:
        product_create(actor=admin_user, **product_fields(code="W-100"))
    assert "code" in exc.value.message_dict


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"list_price": Decimal("-0.01")}, "list_price"),
        ({"code": ""}, "code"),
        ({"code": "has space"}, "code"),
        ({"name": ""}, "name"),
        ({"unit": ""}, "unit"),
        ({"list_price": Decimal("1.001")}, "list_price"),  # money has two decimal places
    ],
)
def test_product_validation(admin_user, overrides, field):
    with pytest.raises(ValidationError) as exc:
        product_create(actor=admin_user, **product_fields(**overrides))
    assert field in exc.value.message_dict
    assert not Product.objects.filter(name="测试净水器").exists()


def test_update_validates_too(admin_user):
    product = Product.objects.get(code="W-100")
    with pytest.raises(ValidationError) as exc:
        product_update(actor=admin_user, product=product, list_price=Decimal("-5"))
    assert "list_price" in exc.value.message_dict
    assert Product.objects.get(code="W-100").list_price == Decimal("2599.00")


def test_the_database_refuses_a_negative_price():
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(code="W-100").update(list_price=-1)


def test_category_update_and_audit(admin_user):
    category = ProductCategory.objects.get(code="water")
    category_update(actor=admin_user, category=category, name="净水")
    assert ProductCategory.objects.get(code="water").name == "净水"
    assert audit_of(category).first().changes == {"name": ["净水设备", "净水"]}


def test_pinyin_search_text_follows_a_rename(admin_user):
    product = Product.objects.get(code="W-100")
    product_update(actor=admin_user, product=product, name="海鸥牌净水器")
    product.refresh_from_db()
    assert "haiou" in product.search_text and "hopjsq" in product.search_text


# --- Excel import ------------------------------------------------------------------------------------


def test_a_good_file_creates_and_updates(admin_user):
    rows = [
        ["T-901", "新品净水器 A", "water", "200G", "台", 1500, 1],
        ["T-902", "新品滤芯 B", "filter", "", "支", "88.5", "否"],
        ["W-100", "恒清反渗透净水器 RO-400", "water", "400G 直饮", "台", 2499.0, "是"],  # update
    ]
    assert product_import(actor=admin_user, file=xlsx_file(KEYS, rows)) == 3

    a, b, updated = (Product.objects.get(code=c) for c in ("T-901", "T-902", "W-100"))
    assert (a.name, a.category.code, a.list_price, a.active) == (
        "新品净水器 A",
        "water",
        Decimal("1500"),
        True,
    )
    assert (b.list_price, b.active, b.specification) == (Decimal("88.50"), False, "")
    assert updated.list_price == Decimal("2499.00")
    assert audit_of(a).get().action == "import"
    [(old, new)] = [audit_of(updated).first().changes["list_price"]]
    assert audit_of(updated).first().changes.keys() == {"list_price"}
    assert (Decimal(old), Decimal(new)) == (Decimal("2599"), Decimal("2499"))


def test_reimporting_the_same_values_changes_nothing(admin_user):
    p = Product.objects.get(code="W-101")
    rows = [[p.code, p.name, p.category.code, p.specification, p.unit, str(p.list_price), 1]]
    entries = AuditEntry.objects.count()
    assert product_import(actor=admin_user, file=xlsx_file(KEYS, rows)) == 1
    assert AuditEntry.objects.count() == entries


def test_one_bad_row_saves_nothing_and_every_bad_row_is_listed(admin_user):
    products = Product.objects.count()
    rows = [
        ["T-910", "好的一行", "water", "", "台", 100, 1],  # row 2: fine
        ["T-911", "未知品类", "no-such-category", "", "台", 100, 1],  # row 3
        ["T-912", "负价格", "water", "", "台", -5, 1],  # row 4
        ["T-910", "重复编码", "water", "", "台", 100, 1],  # row 5: T-910 again
        ["T-913", "坏数字", "water", "", "台", "十二元", 1],  # row 6
        ["W-100", "改价失败", "water", "", "台", 1, 1],  # row 7: fine, but must not be saved
    ]
    with pytest.raises(ImportRejected) as exc:
        product_import(actor=admin_user, file=xlsx_file(KEYS, rows))

    errors = {e.row: e.message for e in exc.value.errors}
    assert sorted(errors) == [3, 4, 5, 6]
    assert "category" in errors[3] and "no-such-category" in errors[3]
    assert "标准单价" in errors[4]
    assert "编码" in errors[5] and "T-910" in errors[5]
    assert "标准单价" in errors[6] and "十二元" in errors[6]
    assert Product.objects.count() == products
    assert not Product.objects.filter(code__startswith="T-91").exists()
    assert Product.objects.get(code="W-100").list_price == Decimal("2599.00")


def test_row_numbers_count_the_header_and_blank_lines(admin_user):
    rows = [
        ["T-920", "一", "water", "", "台", 1, 1],
        [None] * 7,  # row 3 is blank and skipped
        ["T-921", "二", "nope", "", "台", 1, 1],  # row 4
    ]
    with pytest.raises(ImportRejected) as exc:
        product_import(actor=admin_user, file=xlsx_file(KEYS, rows))
    assert [e.row for e in exc.value.errors] == [4]


def test_missing_required_values_are_reported(admin_user):
    rows = [["T-930", "", "water", "", "", 10, 1]]
    with pytest.raises(ImportRejected) as exc:
        product_import(actor=admin_user, file=xlsx_file(KEYS, rows))
    [error] = exc.value.errors
    assert error.row == 2 and "名称" in error.message and "单位" in error.message


def test_a_missing_required_column_is_reported_as_row_one(admin_user):
    headers = [k for k in KEYS if k != "list_price"]
    with pytest.raises(ImportRejected) as exc:
        product_import(actor=admin_user, file=xlsx_file(headers, [["T-940", "x", "water", "", "台", 1]]))
    [error] = exc.value.errors
    assert error.row == 1
    assert str(PRODUCT_IMPORT_COLUMNS[5].label) in error.message


def test_a_file_that_is_not_a_workbook_is_refused(admin_user):
    import io

    with pytest.raises(ImportRejected) as exc:
        product_import(actor=admin_user, file=io.BytesIO(b"code,name\nT-1,x\n"))
    assert len(exc.value.errors) == 1


def test_a_file_without_data_rows_is_refused(admin_user):
    with pytest.raises(ImportRejected):
        product_import(actor=admin_user, file=xlsx_file(KEYS, []))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_headers_may_be_the_labels_in_either_language(admin_user, language):
    with translation.override(language):
        headers = [str(c.label) for c in PRODUCT_IMPORT_COLUMNS]
    # Imports are read in the other language than the headers were written in.
    with translation.override("en" if language == "zh-hans" else "zh-hans"):
        count = product_import(
            actor=admin_user, file=xlsx_file(headers, [["T-950", "双语", "air", "", "台", 10, 1]])
        )
    assert count == 1 and Product.objects.filter(code="T-950", category__code="air").exists()


def test_headers_are_matched_regardless_of_case_order_and_spaces(admin_user):
    headers = [" List Price ", "UNIT", "name", "Code", "category"]
    product_import(actor=admin_user, file=xlsx_file(headers, [[10, "台", "乱序", "T-960", "kitchen"]]))
    product = Product.objects.get(code="T-960")
    assert (product.list_price, product.unit, product.category.code, product.active) == (
        Decimal("10"),
        "台",
        "kitchen",
        True,
    )


@pytest.mark.parametrize("username", ["director", "rep_east"])
def test_only_an_administrator_imports(user, username):
    with pytest.raises(PermissionDenied):
        product_import(actor=user(username), file=xlsx_file(KEYS, [["T-970", "x", "water", "", "台", 1, 1]]))
    assert not Product.objects.filter(code="T-970").exists()


def test_an_import_without_optional_columns_leaves_them_as_they_are(admin_user):
    """S-505 is inactive and has a specification; a price list with only the required columns must not
    re-activate it or erase the specification."""
    before = Product.objects.get(code="S-505")
    assert before.active is False and before.specification

    headers = ["code", "name", "category", "unit", "list_price"]
    product_import(actor=admin_user, file=xlsx_file(headers, [["S-505", before.name, "smart", "个", 239]]))

    after = Product.objects.get(code="S-505")
    assert after.list_price == Decimal("239")
    assert after.active is False
    assert after.specification == before.specification
