"""Receivables aging (账龄): exact buckets at every boundary, open amounts after partial payments, paid
invoices left out, sums exact to the fen, scoping (rep_east sees only east), one query whatever the
number of invoices; the aging page (tabs, highlight, Excel) and `GET /api/v1/receivables/aging/`."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yingxiao.accounts.models import User
from yingxiao.accounts.selectors import scope_of
from yingxiao.core.excel import XLSX_MIME
from yingxiao.core.testing import read_xlsx
from yingxiao.org.models import Region
from yingxiao.partners.choices import DistributorStatus
from yingxiao.partners.models import Customer, Distributor
from yingxiao.partners.services import distributor_create
from yingxiao.sales.choices import InvoiceStatus
from yingxiao.sales.models import Invoice
from yingxiao.sales.receivables import BUCKET_KEYS, aging, aging_sum, aging_totals, days_overdue

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)
_numbers = itertools.count(1)


def person(username: str) -> User:
    return User.objects.get(username=username)


def new_distributor(region: str = "east", rep: str = "rep_east") -> Distributor:
    n = next(_numbers)
    return distributor_create(
        actor=person("admin"),
        code=f"T-AG-{n:04d}",
        name=f"测试账龄经销商{n}",
        region=Region.objects.get(code=region),
        rep=person(rep),
        status=DistributorStatus.ACTIVE,
    )


def new_invoice(
    *,
    days_overdue: int,
    amount: str = "100.00",
    paid: str = "0.00",
    distributor: Distributor | None = None,
    customer: Customer | None = None,
    salesperson: str = "rep_east",
    today: date = TODAY,
    region: Region | None = None,
) -> Invoice:
    buyer = distributor or customer
    due = today - timedelta(days=days_overdue)
    return Invoice.objects.create(
        number=f"T-AG-FP-{next(_numbers):06d}",
        region=region or buyer.region,
        salesperson=person(salesperson),
        distributor=distributor,
        customer=customer,
        issued_on=due - timedelta(days=30),
        due_date=due,
        amount=Decimal(amount),
        paid_amount=Decimal(paid),
        status=InvoiceStatus.PAID if Decimal(paid) == Decimal(amount) else InvoiceStatus.OPEN,
    )


def row_of(rows: list[dict], key) -> dict:
    found = [row for row in rows if row["key"] == key]
    assert len(found) == 1, f"no single row for {key}"
    return found[0]


def dealer_row(dealer: Distributor, user: str = "director", today: date = TODAY) -> dict:
    return row_of(aging(user=person(user), group_by="distributor", today=today), dealer.pk)


def zero_row(row: dict) -> dict:
    return {key: row[key] for key in (*BUCKET_KEYS, "overdue", "total")}


# --- buckets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-30, "not_due"),
        (0, "not_due"),  # due today: not overdue yet
        (1, "days_1_30"),
        (30, "days_1_30"),
        (31, "days_31_60"),
        (60, "days_31_60"),
        (61, "days_61_90"),
        (90, "days_61_90"),
        (91, "over_90"),
        (400, "over_90"),
    ],
)
def test_each_boundary_falls_in_its_bucket(days, bucket):
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=days, amount="123.45")
    row = dealer_row(dealer)
    expected = {key: Decimal("0.00") for key in BUCKET_KEYS}
    expected[bucket] = Decimal("123.45")
    assert {key: row[key] for key in BUCKET_KEYS} == expected
    assert row["total"] == Decimal("123.45")
    assert row["overdue"] == (Decimal("0.00") if bucket == "not_due" else Decimal("123.45"))
    assert row["invoices"] == 1


def test_buckets_add_up_exactly_over_all_the_boundaries():
    dealer = new_distributor()
    amounts = {0: "1.01", 1: "2.02", 30: "3.03", 31: "4.04", 60: "5.05", 61: "6.06", 90: "7.07", 91: "8.08"}
    for days, amount in amounts.items():
        new_invoice(distributor=dealer, days_overdue=days, amount=amount)
    row = dealer_row(dealer)
    assert zero_row(row) == {
        "not_due": Decimal("1.01"),
        "days_1_30": Decimal("5.05"),
        "days_31_60": Decimal("9.09"),
        "days_61_90": Decimal("13.13"),
        "over_90": Decimal("8.08"),
        "overdue": Decimal("35.35"),
        "total": Decimal("36.36"),
    }
    assert row["invoices"] == 8


def test_the_buckets_move_with_today():
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=30, amount="10.00")
    assert dealer_row(dealer)["days_1_30"] == Decimal("10.00")
    assert dealer_row(dealer, today=TODAY + timedelta(days=1))["days_31_60"] == Decimal("10.00")
    assert dealer_row(dealer, today=TODAY - timedelta(days=30))["not_due"] == Decimal("10.00")


def test_partial_payments_count_by_their_open_amount_and_paid_invoices_are_left_out():
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=10, amount="1000.00", paid="250.50")
    new_invoice(distributor=dealer, days_overdue=10, amount="500.00", paid="500.00")  # paid
    new_invoice(distributor=dealer, days_overdue=100, amount="80.00", paid="79.99")
    row = dealer_row(dealer)
    assert row["days_1_30"] == Decimal("749.50")
    assert row["over_90"] == Decimal("0.01")
    assert row["total"] == Decimal("749.51")
    assert row["invoices"] == 2


def test_sums_are_exact_to_the_fen():
    """SQLite keeps decimals as floating point: sums are taken in whole fen, so none is lost."""
    dealer = new_distributor()
    for _ in range(10):
        new_invoice(distributor=dealer, days_overdue=5, amount="0.10")
    for _ in range(3):
        new_invoice(distributor=dealer, days_overdue=200, amount="999999999999.99", paid="0.02")
    row = dealer_row(dealer)
    assert row["days_1_30"] == Decimal("1.00")
    assert row["over_90"] == Decimal("2999999999999.91")
    assert row["total"] == Decimal("2999999999000.91") + Decimal("1000.00")
    for key in (*BUCKET_KEYS, "total", "overdue"):
        assert isinstance(row[key], Decimal) and row[key].as_tuple().exponent == -2


# --- groupings --------------------------------------------------------------------------------------


def test_grouping_by_region_salesperson_and_distributor():
    east, north = new_distributor("east"), new_distributor("north", "rep_north")
    new_invoice(distributor=east, days_overdue=45, amount="200.00", salesperson="rep_east")
    new_invoice(distributor=north, days_overdue=5, amount="300.00", salesperson="rep_north")
    director = person("director")
    before = {
        g: {row["key"]: zero_row(row) for row in aging(user=director, group_by=g, today=TODAY)}
        for g in ("region", "salesperson")
    }

    by_region = aging(user=director, group_by="region", today=TODAY)
    by_person = aging(user=director, group_by="salesperson", today=TODAY)
    by_dealer = aging(user=director, group_by="distributor", today=TODAY)

    east_region = row_of(by_region, east.region_id)
    assert east_region["name"] == "华东" and east_region["code"] == "east"
    assert row_of(by_person, person("rep_north").pk)["name"] == person("rep_north").full_name
    assert row_of(by_person, person("rep_north").pk)["code"] == "rep_north"
    assert row_of(by_dealer, east.pk)["days_31_60"] == Decimal("200.00")
    assert row_of(by_dealer, north.pk)["days_1_30"] == Decimal("300.00")
    assert before["region"][north.region_id] == zero_row(row_of(by_region, north.region_id))
    # Every grouping covers the same money.
    totals = aging_totals(user=director, today=TODAY)
    for rows in (by_region, by_person, by_dealer):
        assert aging_sum(rows) == totals


def test_districts_are_their_own_rows_with_their_region_named():
    district = Region.objects.get(code="east-sh")
    dealer = Distributor.objects.filter(region=district).first()
    new_invoice(distributor=dealer, days_overdue=3, amount="10.00")
    rows = aging(user=person("director"), group_by="region", today=TODAY)
    row = row_of(rows, district.pk)
    assert (row["name"], row["parent"]) == ("上海片区", "华东")
    codes = [r["code"] for r in rows]
    assert codes == sorted(codes)  # a 大区's 片区 follow it


def test_direct_customers_are_one_row_when_grouping_by_distributor():
    customer = Customer.objects.filter(region__code="west").first()
    new_invoice(customer=customer, days_overdue=20, amount="66.60", salesperson="rep_west")
    rows = aging(user=person("director"), group_by="distributor", today=TODAY)
    direct = row_of(rows, None)
    assert direct["name"] and direct["days_1_30"] >= Decimal("66.60")


def test_one_region_with_its_districts():
    east_region = Region.objects.get(code="east")
    district_dealer = Distributor.objects.filter(region__code="east-zj").first()
    new_invoice(distributor=district_dealer, days_overdue=3, amount="10.00")
    new_invoice(distributor=new_distributor("north", "rep_north"), days_overdue=3, amount="10.00")
    rows = aging(user=person("director"), group_by="region", today=TODAY, region=east_region)
    assert {row["code"] for row in rows} <= {"east", "east-sh", "east-zj"}
    assert "east-zj" in {row["code"] for row in rows}


def test_an_unknown_grouping_is_an_error():
    with pytest.raises(ValueError):
        aging(user=person("director"), group_by="product")


# --- scope --------------------------------------------------------------------------------------------


def test_rep_east_sees_only_east():
    east, north = new_distributor("east"), new_distributor("north", "rep_north")
    new_invoice(distributor=east, days_overdue=10, amount="100.00")
    new_invoice(distributor=north, days_overdue=10, amount="999.00", salesperson="rep_north")
    rep = person("rep_east")
    east_ids = set(Region.objects.filter(code__startswith="east").values_list("pk", flat=True))
    assert {row["key"] for row in aging(user=rep, group_by="region", today=TODAY)} <= east_ids
    dealers = {row["key"] for row in aging(user=rep, group_by="distributor", today=TODAY)}
    assert east.pk in dealers and north.pk not in dealers
    people = {row["key"] for row in aging(user=rep, group_by="salesperson", today=TODAY)}
    assert person("rep_north").pk not in people
    director_dealers = {
        row["key"] for row in aging(user=person("director"), group_by="distributor", today=TODAY)
    }
    assert {east.pk, north.pk} <= director_dealers


def test_users_without_a_role_see_nothing(user):
    new_invoice(distributor=new_distributor(), days_overdue=10)
    nobody = user("nobody")
    assert aging(user=nobody, group_by="region", today=TODAY) == []
    assert aging_totals(user=nobody, today=TODAY)["total"] == Decimal("0.00")


# --- performance --------------------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", ["region", "salesperson", "distributor"])
def test_aging_is_two_queries_whatever_the_number_of_invoices(group_by):
    """One aggregate over the invoices, one for the names of the groups."""
    director = person("director")
    scope_of(director)  # the user's scope is read once per request, before

    def measure():
        with CaptureQueriesContext(connection) as captured:
            aging(user=director, group_by=group_by, today=TODAY)
        return len(captured)

    new_invoice(distributor=new_distributor(), days_overdue=5)
    small = measure()
    for n in range(30):
        dealer = new_distributor("north" if n % 2 else "east", "rep_north" if n % 2 else "rep_east")
        new_invoice(distributor=dealer, days_overdue=n * 7, salesperson="manager_east")
    assert measure() == small == 2


def test_days_overdue():
    assert days_overdue(TODAY, TODAY) == 0
    assert days_overdue(TODAY + timedelta(days=3), TODAY) == 0
    assert days_overdue(TODAY - timedelta(days=91), TODAY) == 91


# --- the page -----------------------------------------------------------------------------------------


def test_the_aging_page_has_a_tab_per_grouping_and_highlights_overdue_money(client_as):
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=95, amount="4321.00", today=timezone.localdate())
    client = client_as("director")
    url = reverse("sales:aging")
    html = client.get(url).content.decode()
    for key in ("region", "salesperson", "distributor"):
        assert f'data-group-by="{key}"' in html
    assert "华东" in html and "华北" in html
    by_dealer = client.get(url, {"group_by": "distributor"}).content.decode()
    assert dealer.name in by_dealer
    assert 'class="text-end bg-red-lt fw-bold" data-bucket="over_90">¥4,321.00' in by_dealer


def test_reps_see_only_their_region_on_the_page(client_as):
    north = new_distributor("north", "rep_north")
    new_invoice(distributor=north, days_overdue=10, amount="10.00", salesperson="rep_north")
    html = client_as("rep_east").get(reverse("sales:aging"), {"group_by": "distributor"}).content.decode()
    assert north.name not in html
    region_html = client_as("rep_east").get(reverse("sales:aging")).content.decode()
    assert "华北" not in region_html.split("<tbody>")[1]


def test_the_aging_page_exports_the_table_with_a_total_row(client_as):
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=40, amount="250.00", today=timezone.localdate())
    response = client_as("director").get(
        reverse("sales:aging"), {"group_by": "distributor", "export": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    header, rows = read_xlsx(response.content)
    assert len(header) == 9  # name, code, invoices, five buckets, total
    mine = next(row for row in rows if row[1] == dealer.code)
    assert mine[2] == 1 and Decimal(str(mine[5])) == Decimal("250.00")
    total = rows[-1]
    assert Decimal(str(total[-1])).quantize(Decimal("0.01")) == aging_totals(user=person("director"))["total"]


@pytest.mark.parametrize("username", ["dist_e01", "nobody"])
def test_the_aging_page_is_for_staff(client_as, username):
    assert client_as(username).get(reverse("sales:aging")).status_code == 403


def test_a_bad_grouping_on_the_page_falls_back_to_regions(client_as):
    response = client_as("director").get(reverse("sales:aging"), {"group_by": "nonsense"})
    assert response.status_code == 200
    assert 'aria-current="page" data-group-by="region"' in response.content.decode()


# --- the API ------------------------------------------------------------------------------------------

AGING = "/api/v1/receivables/aging/"


def test_the_aging_api_by_each_grouping(api_as):
    dealer = new_distributor()
    new_invoice(distributor=dealer, days_overdue=70, amount="77.70", today=timezone.localdate())
    client = api_as("director")
    body = client.get(AGING, {"group_by": "distributor"}).json()
    assert body["group_by"] == "distributor"
    assert [b["key"] for b in body["buckets"]] == list(BUCKET_KEYS)
    mine = next(row for row in body["rows"] if row["key"] == dealer.pk)
    assert mine["days_61_90"] == "77.70" and mine["total"] == "77.70" and mine["invoices"] == 1
    for group_by in ("region", "salesperson"):
        other = client.get(AGING, {"group_by": group_by}).json()
        assert other["totals"] == body["totals"]
    assert client.get(AGING).json()["group_by"] == "region"


def test_the_aging_api_refuses_a_bad_grouping_with_json(api_as):
    response = api_as("director").get(AGING, {"group_by": "product"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "group_by" in body["fields"]
    assert body["detail"]


def test_the_aging_api_is_scoped(api_as):
    north = new_distributor("north", "rep_north")
    new_invoice(distributor=north, days_overdue=10, amount="10.00", salesperson="rep_north")
    rows = api_as("rep_east").get(AGING, {"group_by": "distributor"}).json()["rows"]
    assert north.pk not in {row["key"] for row in rows}
    # Regions are master data every staff member sees; another region's invoices stay out of sight.
    assert api_as("rep_east").get(AGING, {"region": "north"}).json()["rows"] == []
    assert api_as("rep_east").get(AGING, {"region": "no-such-region"}).status_code == 400
    assert api_as("nobody").get(AGING).status_code == 403
    assert api_as("dist_e01").get(AGING).status_code == 403
