"""Distributor and customer writes, and the all-or-nothing distributor import."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from yingxiao.core.excel import ImportRejected
from yingxiao.core.models import AuditEntry
from yingxiao.core.search import search
from yingxiao.core.testing import xlsx_file
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.selectors import distributors_for
from yingxiao.partners.services import (
    DISTRIBUTOR_IMPORT_COLUMNS,
    customer_create,
    customer_update,
    distributor_create,
    distributor_import,
    distributor_update,
)

pytestmark = pytest.mark.django_db

KEYS = [c.key for c in DISTRIBUTOR_IMPORT_COLUMNS]


def region(code):
    return Region.objects.get(code=code)


def test_admin_creates_a_distributor_with_audit(admin_user, user):
    distributor = distributor_create(
        actor=admin_user,
        code="E99",
        name="上海新伙伴贸易有限公司",
        region=region("east-sh"),
        credit_limit=Decimal("100000.00"),
        rep=user("rep_east"),
    )
    assert distributor.status == "candidate" and distributor.grade == "B"  # the defaults
    entry = AuditEntry.objects.get(model="partners.distributor", object_id=str(distributor.pk))
    assert entry.changes["region"] == ["", "上海片区"]
    assert entry.changes["credit_limit"] == ["", "100000.00"]
    assert distributor in distributors_for(user("rep_east"))


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"code": "E01"}, "code"),  # duplicate code
        ({"credit_limit": Decimal("-1")}, "credit_limit"),
        ({"grade": "Z"}, "grade"),
        ({"status": "bankrupt"}, "status"),
        ({"name": ""}, "name"),
    ],
)
def test_distributor_validation(admin_user, fields, error_field):
    data = {"code": "E98", "name": "校验测试有限公司", "region": region("east"), **fields}
    with pytest.raises(ValidationError) as exc:
        distributor_create(actor=admin_user, **data)
    assert error_field in exc.value.message_dict
    assert not Distributor.objects.filter(name="校验测试有限公司").exists()


def test_the_database_refuses_a_negative_credit_limit():
    with pytest.raises(IntegrityError), transaction.atomic():
        Distributor.objects.filter(code="E01").update(credit_limit=-1)


def test_distributor_update_audits_the_change_and_refreshes_search(admin_user):
    distributor = Distributor.objects.get(code="E03")
    distributor_update(
        actor=admin_user, distributor=distributor, name="南京紫金家电有限公司", status="suspended"
    )
    entry = AuditEntry.objects.filter(model="partners.distributor", object_id=str(distributor.pk)).first()
    assert entry.changes == {
        "name": ["南京金桥家电有限公司", "南京紫金家电有限公司"],
        "status": ["active", "suspended"],
    }
    assert search(Distributor.objects.all(), "zijin").get() == distributor
    assert not search(Distributor.objects.all(), "njjq").exists()


def test_a_distributor_with_the_longest_allowed_name_and_contact_saves(admin_user):
    """The form allows 100 characters of name and 50 of contact; the pinyin index must hold them."""
    name = "内蒙古自治区呼和浩特市赛罕区草原环保水处理设备工程技术有限责任公司" * 3
    name = name[:100]
    contact = ("欧阳" * 25)[:50]
    distributor = distributor_create(
        actor=admin_user, code="N99", name=name, region=region("north"), contact_name=contact
    )
    distributor.refresh_from_db()
    assert distributor.name == name
    assert search(Distributor.objects.all(), "neimenggu").filter(pk=distributor.pk).exists()
    assert search(Distributor.objects.all(), "oyoy").filter(pk=distributor.pk).exists()


@pytest.mark.parametrize("username", ["director", "rep_east", "manager_east", "dist_e01", "nobody"])
def test_only_an_administrator_writes_partners(user, username):
    actor = user(username)
    with pytest.raises(PermissionDenied):
        distributor_create(actor=actor, code="E97", name="越权", region=region("east"))
    with pytest.raises(PermissionDenied):
        distributor_update(actor=actor, distributor=Distributor.objects.get(code="E01"), status="terminated")
    with pytest.raises(PermissionDenied):
        customer_create(actor=actor, code="C-X", name="越权", region=region("east"))
    assert not Distributor.objects.filter(code="E97").exists()
    assert Distributor.objects.get(code="E01").status == "active"


# --- customers ---------------------------------------------------------------------------------------


def test_a_customer_served_by_a_distributor_of_its_region_or_district(admin_user):
    customer = customer_create(
        actor=admin_user,
        code="C-T1",
        name="杭州测试酒店",
        region=region("east"),
        distributor=Distributor.objects.get(code="E02"),  # in the east-zj district
    )
    assert customer.distributor.code == "E02"


def test_a_customer_cannot_be_served_by_a_distributor_of_another_region(admin_user):
    with pytest.raises(ValidationError) as exc:
        customer_create(
            actor=admin_user,
            code="C-T2",
            name="跨区客户",
            region=region("east"),
            distributor=Distributor.objects.get(code="N01"),
        )
    assert "distributor" in exc.value.message_dict
    assert not Customer.objects.filter(code="C-T2").exists()


def test_moving_a_customer_to_another_region_keeps_the_distributor_rule(admin_user):
    customer = Customer.objects.get(code="C-E02")  # served by E02
    with pytest.raises(ValidationError) as exc:
        customer_update(actor=admin_user, customer=customer, region=region("south"))
    assert "distributor" in exc.value.message_dict
    assert Customer.objects.get(code="C-E02").region.code == "east"


def test_customer_codes_are_unique(admin_user):
    with pytest.raises(ValidationError) as exc:
        customer_create(actor=admin_user, code="C-E01", name="重复", region=region("east"))
    assert "code" in exc.value.message_dict


# --- Excel import ------------------------------------------------------------------------------------


def test_a_good_distributor_file_creates_and_updates(admin_user, user):
    rows = [
        [
            "E50",
            "温州新城电器有限公司",
            "east-zj",
            "A",
            300000,
            "林一",
            "0577-1",
            "温州",
            "active",
            "rep_east",
        ],
        ["N50", "廊坊燕郊商贸有限公司", "north", "", "", "", "", "", "", ""],
        ["E03", "南京金桥家电有限公司", "east", "A", "400,000", "徐海峰", "", "", "Active", ""],  # update
    ]
    assert distributor_import(actor=admin_user, file=xlsx_file(KEYS, rows)) == 3

    new = Distributor.objects.get(code="E50")
    assert (new.region.code, new.grade, new.credit_limit, new.status, new.rep.username) == (
        "east-zj",
        "A",
        Decimal("300000"),
        "active",
        "rep_east",
    )
    minimal = Distributor.objects.get(code="N50")
    assert (minimal.grade, minimal.status, minimal.credit_limit, minimal.rep) == ("B", "candidate", 0, None)
    updated = Distributor.objects.get(code="E03")
    assert (updated.grade, updated.credit_limit) == ("A", Decimal("400000"))
    assert AuditEntry.objects.filter(
        model="partners.distributor", object_id=str(new.pk), action="import"
    ).exists()


def test_one_bad_distributor_row_saves_nothing(admin_user):
    count = Distributor.objects.count()
    rows = [
        ["E60", "好的公司", "east", "A", 1, "", "", "", "", ""],  # row 2
        ["E61", "未知大区公司", "atlantis", "A", 1, "", "", "", "", ""],  # row 3
        ["E62", "坏等级公司", "east", "Z", 1, "", "", "", "", ""],  # row 4
        ["E63", "负额度公司", "east", "A", -100, "", "", "", "", ""],  # row 5
        ["E64", "无此人公司", "east", "A", 1, "", "", "", "", "ghost_user"],  # row 6
        ["E60", "重复编码公司", "east", "A", 1, "", "", "", "", ""],  # row 7
        ["E65", "坏数字公司", "east", "A", "一百万", "", "", "", "", ""],  # row 8
        ["E66", "坏状态公司", "east", "A", 1, "", "", "", "bankrupt", ""],  # row 9
    ]
    with pytest.raises(ImportRejected) as exc:
        distributor_import(actor=admin_user, file=xlsx_file(KEYS, rows))

    errors = {e.row: e.message for e in exc.value.errors}
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "大区编码" in errors[3] and "atlantis" in errors[3]
    assert "等级" in errors[4]
    assert "信用额度" in errors[5]
    assert "负责区域人员" in errors[6] and "ghost_user" in errors[6]
    assert "编码" in errors[7]
    assert "信用额度" in errors[8]
    assert "状态" in errors[9]
    assert Distributor.objects.count() == count
    assert not Distributor.objects.filter(code="E60").exists()


def test_distributor_import_accepts_chinese_labels_of_choices(admin_user):
    with translation.override("zh-hans"):
        grade_label = str(Distributor._meta.get_field("grade").choices[0][1])
        status_label = str(Distributor._meta.get_field("status").choices[1][1])
    rows = [["S50", "深圳标签测试有限公司", "south", grade_label, 1, "", "", "", status_label, ""]]
    distributor_import(actor=admin_user, file=xlsx_file(KEYS, rows))
    imported = Distributor.objects.get(code="S50")
    assert (imported.grade, imported.status) == ("A", "active")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_distributor_headers_in_either_language(admin_user, language):
    with translation.override(language):
        headers = [str(c.label) for c in DISTRIBUTOR_IMPORT_COLUMNS[:3]]
    with translation.override("en" if language == "zh-hans" else "zh-hans"):
        distributor_import(actor=admin_user, file=xlsx_file(headers, [["W50", "西部标题测试", "west"]]))
    assert Distributor.objects.get(code="W50").region.code == "west"


def test_only_an_administrator_imports_distributors(user):
    with pytest.raises(PermissionDenied):
        distributor_import(actor=user("manager_east"), file=xlsx_file(KEYS[:3], [["E70", "越权", "east"]]))
    assert not Distributor.objects.filter(code="E70").exists()


def test_an_import_without_optional_columns_leaves_them_as_they_are(admin_user, user):
    """A file with only code, name and region updates those; it must not reset the status, grade,
    credit limit, rep and contact of a known distributor to the defaults."""
    before = Distributor.objects.get(code="E01")
    assert (before.status, before.grade, before.rep.username) == ("active", "A", "rep_east")

    distributor_import(
        actor=admin_user,
        file=xlsx_file(["code", "name", "region"], [["E01", "上海恒信商贸有限公司", "east-sh"]]),
    )

    after = Distributor.objects.get(code="E01")
    assert (after.status, after.grade, after.credit_limit) == ("active", "A", before.credit_limit)
    assert after.rep == user("rep_east")
    assert (after.contact_name, after.contact_phone, after.address) == (
        before.contact_name,
        before.contact_phone,
        before.address,
    )
