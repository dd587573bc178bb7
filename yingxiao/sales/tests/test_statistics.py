"""Annual sales statistics: exact figures on a small known ledger, scoping, a fixed number of queries,
the covering indexes, the page (Excel, PDF) and the API contract.

The ledger used here lies in 2039–2042, years the demo company has no sales in, so the figures are exact
whatever history the demo loads. The pages and the API are tried through this module's own URLconf
(the project's routes plus the statistics views), so the tests do not depend on where they are wired.
"""

import io
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import translation
from openpyxl import load_workbook

from yingxiao import urls as project_urls
from yingxiao.catalog.models import Product
from yingxiao.core import testing
from yingxiao.org.models import Region
from yingxiao.partners.models import Customer, Distributor
from yingxiao.sales.api.statistics import SalesStatisticsView
from yingxiao.sales.choices import LedgerSource
from yingxiao.sales.models import SalesLine
from yingxiao.sales.services import ledger_line
from yingxiao.sales.statistics import sales_statistics, statistics_years
from yingxiao.sales.views_statistics import StatisticsPage, StatisticsReportPdf, summary

PAGE = "/test-statistics/"
PDF = "/test-statistics/pdf/"
API = "/test-api/reports/sales-statistics/"

urlpatterns = [
    path(PAGE[1:], StatisticsPage.as_view()),
    path(PDF[1:], StatisticsReportPdf.as_view()),
    path(API[1:], SalesStatisticsView.as_view()),
    *project_urls.urlpatterns,
]
routes = pytest.mark.urls(__name__)

Y, P = 2041, 2040
D = Decimal


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


def _product(code: str) -> Product:
    return Product.objects.get(code=code)


def _distributor(region: str, index: int = 0) -> Distributor:
    return Distributor.objects.filter(region__code__startswith=region).order_by("code")[index]


@pytest.fixture
def known(user):
    """A small ledger whose statistics are worked out by hand (see the expected values in each test)."""
    east, east_sh, north, south = (_region(c) for c in ("east", "east-sh", "north", "south"))
    rep_east, rep_north, rep_south = user("rep_east"), user("rep_north"), user("rep_south")
    water, air, kitchen = _product("W-100"), _product("A-200"), _product("K-300")
    de1, de2, dn1, ds1 = (
        _distributor("east", 0),
        _distributor("east", 1),
        _distributor("north"),
        _distributor("south"),
    )
    cn1 = Customer.objects.filter(region=north).order_by("code").first()

    def line(day, region, rep, product, quantity, amount, distributor=None, customer=None):
        return ledger_line(
            day=day,
            region_id=region.pk,
            salesperson_id=rep.pk,
            product=product,
            quantity=quantity,
            amount=D(amount),
            source=LedgerSource.IMPORT,
            distributor_id=distributor.pk if distributor else None,
            customer_id=customer.pk if customer else None,
        )

    SalesLine.objects.bulk_create(
        [
            # this year (2041)
            line(date(Y, 1, 15), east, rep_east, water, 10, "1000.00", de1),
            line(date(Y, 1, 20), east_sh, rep_east, air, 5, "500.50", de2),
            line(date(Y, 3, 3), north, rep_north, water, 2, "200.25", dn1),
            line(date(Y, 12, 31), north, rep_north, kitchen, 1, "299.25", customer=cn1),
            line(date(Y, 6, 1), east, rep_east, water, -1, "-103.00", de1),  # a return
            # last year (2040)
            line(date(P, 1, 10), east, rep_east, water, 8, "800.00", de1),
            line(date(P, 7, 7), north, rep_north, air, 3, "300.00", dn1),
            line(date(P, 12, 1), south, rep_south, kitchen, 1, "100.00", ds1),
            # outside the two years: never counted
            line(date(P - 1, 5, 5), east, rep_east, water, 99, "9999.00", de1),
            line(date(Y + 1, 1, 1), north, rep_north, water, 99, "9999.00", dn1),
        ]
    )
    return {
        "east": east,
        "east_sh": east_sh,
        "north": north,
        "south": south,
        "rep_east": rep_east,
        "rep_north": rep_north,
        "rep_south": rep_south,
        "water": water,
        "air": air,
        "kitchen": kitchen,
        "de1": de1,
        "de2": de2,
        "dn1": dn1,
        "ds1": ds1,
        "cn1": cn1,
    }


def _by_id(rows):
    return {row["id"]: row for row in rows}


def _figures(row):
    return (row["quantity"], row["amount"], row["share"], row["previous_amount"], row["growth"])


# --- the figures ---------------------------------------------------------------------------------------


def test_totals_and_growth(known, user):
    stats = sales_statistics(user=user("director"), year=Y)
    assert stats["year"] == Y and stats["previous_year"] == P
    totals = stats["totals"]
    assert totals["quantity"] == 17
    assert totals["amount"] == D("1897.00")
    assert totals["previous_quantity"] == 12
    assert totals["previous_amount"] == D("1200.00")
    assert totals["growth"] == D("58.08")  # 697 / 1200 = 58.0833 %
    assert totals["quantity_growth"] == D("41.67")  # 5 / 12
    assert totals["distributors"] == 3  # de1, de2, dn1 (ds1 bought only last year)
    assert totals["customers"] == 1
    assert totals["direct_amount"] == D("299.25")
    assert totals["direct_share"] == D("15.77")
    for value in (totals["amount"], totals["growth"], totals["direct_share"]):
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2


def test_regions_roll_up_districts_and_list_them(known, user):
    stats = sales_statistics(user=user("director"), year=Y)
    regions = stats["by_region"]
    assert [r["id"] for r in regions] == [known["east"].pk, known["north"].pk, known["south"].pk]
    east, north, south = regions
    assert _figures(east) == (14, D("1397.50"), D("73.67"), D("800.00"), D("74.69"))  # 597.5/800 = 74.6875
    assert _figures(north) == (3, D("499.50"), D("26.33"), D("300.00"), D("66.50"))
    assert _figures(south) == (0, D("0.00"), D("0.00"), D("100.00"), D("-100.00"))
    assert east["name"] == "华东" and east["code"] == "east"
    [district] = stats["by_district"]
    assert district["id"] == known["east_sh"].pk
    assert district["name"] == "华东 · 上海片区"
    assert _figures(district) == (5, D("500.50"), D("26.38"), D("0.00"), None)  # nothing to compare with


def test_products_categories_salespeople(known, user):
    stats = sales_statistics(user=user("director"), year=Y)
    products = stats["by_product"]
    assert [p["id"] for p in products] == [known["water"].pk, known["air"].pk, known["kitchen"].pk]
    assert _figures(products[0]) == (11, D("1097.25"), D("57.84"), D("800.00"), D("37.16"))  # 37.15625
    assert _figures(products[1]) == (5, D("500.50"), D("26.38"), D("300.00"), D("66.83"))
    assert _figures(products[2]) == (1, D("299.25"), D("15.77"), D("100.00"), D("199.25"))
    assert products[0]["code"] == "W-100" and products[0]["name"] == known["water"].name
    assert stats["top_products"] == products

    categories = stats["by_category"]
    assert [c["name"] for c in categories] == ["净水设备", "空气净化", "厨房电器"]
    assert [c["amount"] for c in categories] == [D("1097.25"), D("500.50"), D("299.25")]

    people = _by_id(stats["by_salesperson"])
    assert _figures(people[known["rep_east"].pk]) == (14, D("1397.50"), D("73.67"), D("800.00"), D("74.69"))
    assert _figures(people[known["rep_north"].pk])[1] == D("499.50")
    assert _figures(people[known["rep_south"].pk]) == (0, D("0.00"), D("0.00"), D("100.00"), D("-100.00"))
    assert people[known["rep_east"].pk]["name"] == known["rep_east"].display_name
    assert stats["by_salesperson"][0]["id"] == known["rep_east"].pk


def test_months_are_twelve_buckets(known, user):
    months = sales_statistics(user=user("director"), year=Y)["by_month"]
    assert [m["month"] for m in months] == list(range(1, 13))
    jan, mar, jun, jul, dec = months[0], months[2], months[5], months[6], months[11]
    assert _figures(jan) == (15, D("1500.50"), D("79.10"), D("800.00"), D("87.56"))  # 87.5625
    assert _figures(mar) == (2, D("200.25"), D("10.56"), D("0.00"), None)
    assert _figures(jun) == (-1, D("-103.00"), D("-5.43"), D("0.00"), None)
    assert _figures(jul) == (0, D("0.00"), D("0.00"), D("300.00"), D("-100.00"))
    assert _figures(dec) == (1, D("299.25"), D("15.77"), D("100.00"), D("199.25"))
    assert months[1]["amount"] == D("0.00") and months[1]["growth"] is None
    assert sum(m["amount"] for m in months) == D("1897.00")
    assert sum(m["previous_amount"] for m in months) == D("1200.00")


def test_distributors_top_lists_and_half_up(known, user):
    stats = sales_statistics(user=user("director"), year=Y)
    top = stats["top_distributors"]
    assert [d["id"] for d in top] == [known["de1"].pk, known["de2"].pk, known["dn1"].pk]
    # 897 / 800 = 112.125 %: growth 12.125 rounds half up to 12.13 (half-even would give 12.12)
    assert _figures(top[0]) == (9, D("897.00"), D("47.29"), D("800.00"), D("12.13"))
    assert _figures(top[1]) == (5, D("500.50"), D("26.38"), D("0.00"), None)
    assert _figures(top[2]) == (2, D("200.25"), D("10.56"), D("300.00"), D("-33.25"))
    assert top[0]["name"] == known["de1"].name and top[0]["code"] == known["de1"].code
    # the full list also has the distributor that bought only last year
    everyone = _by_id(stats["by_distributor"])
    assert set(everyone) == {known["de1"].pk, known["de2"].pk, known["dn1"].pk, known["ds1"].pk}
    assert _figures(everyone[known["ds1"].pk]) == (0, D("0.00"), D("0.00"), D("100.00"), D("-100.00"))
    [customer] = stats["top_customers"]
    assert customer["id"] == known["cn1"].pk
    assert _figures(customer) == (1, D("299.25"), D("15.77"), D("0.00"), None)


def test_top_lists_keep_ten(user):
    rep = user("rep_north")
    north = _region("north")
    products = list(Product.objects.order_by("code")[:12])
    distributors = list(Distributor.objects.filter(region=north).order_by("code")[:10])
    customers = list(Customer.objects.order_by("code")[:12])
    lines = [
        ledger_line(
            day=date(Y, 5, 1),
            region_id=north.pk,
            salesperson_id=rep.pk,
            product=product,
            quantity=1,
            amount=D(100 + i),
            source=LedgerSource.IMPORT,
            customer_id=customers[i].pk,
        )
        for i, product in enumerate(products)
    ] + [
        ledger_line(
            day=date(Y, 5, 2),
            region_id=north.pk,
            salesperson_id=rep.pk,
            product=products[0],
            quantity=1,
            amount=D(10 + i),
            source=LedgerSource.IMPORT,
            distributor_id=d.pk,
        )
        for i, d in enumerate(distributors)
    ]
    SalesLine.objects.bulk_create(lines)
    stats = sales_statistics(user=user("director"), year=Y)
    assert len(stats["by_product"]) == 12
    assert [p["id"] for p in stats["top_products"]] == [p["id"] for p in stats["by_product"][:10]]
    assert len(stats["top_customers"]) == 10
    assert stats["top_customers"][0]["amount"] == D("111.00")
    assert [d["amount"] for d in stats["top_distributors"]] == [D(19 - i) for i in range(10)]


def test_no_sales(user):
    stats = sales_statistics(user=user("director"), year=2101)
    assert stats["totals"]["amount"] == D("0.00") and stats["totals"]["growth"] is None
    assert len(stats["by_month"]) == 12 and all(m["share"] is None for m in stats["by_month"])
    assert stats["by_region"] == [] and stats["top_distributors"] == []
    with translation.override("en"):
        assert summary(stats) == ["There are no sales in 2101."]


# --- scoping -------------------------------------------------------------------------------------------


def test_a_rep_sees_only_their_region(known, user):
    stats = sales_statistics(user=user("rep_east"), year=Y)
    assert stats["totals"]["amount"] == D("1397.50")
    assert stats["totals"]["previous_amount"] == D("800.00")
    assert [r["id"] for r in stats["by_region"]] == [known["east"].pk]
    assert stats["by_region"][0]["share"] == D("100.00")
    assert {d["id"] for d in stats["by_distributor"]} == {known["de1"].pk, known["de2"].pk}
    assert stats["top_customers"] == []
    assert {p["id"] for p in stats["by_salesperson"]} == {known["rep_east"].pk}
    north = sales_statistics(user=user("manager_north"), year=Y)
    assert north["totals"]["amount"] == D("499.50")
    assert [r["id"] for r in north["by_region"]] == [known["north"].pk]


def test_users_without_sales_see_nothing(known, user):
    for name in (testing.NOBODY, "quality"):
        stats = sales_statistics(user=user(name), year=Y)
        assert stats["totals"]["amount"] == D("0.00") and stats["by_region"] == []


def test_years_present_in_the_ledger(known, user):
    years = statistics_years(user("director"))
    assert years == sorted(years, reverse=True)
    assert {Y + 1, Y, P, P - 1} <= set(years)
    assert statistics_years(user(testing.NOBODY)) == []


# --- cost ----------------------------------------------------------------------------------------------


def _random_ledger(count: int, seed: int) -> None:
    rng = random.Random(seed)
    regions = list(Region.objects.all())
    products = list(Product.objects.all())
    distributors = list(Distributor.objects.all())
    reps = list(type(distributors[0].rep).objects.filter(username__startswith="rep_"))
    lines = []
    for _ in range(count):
        distributor = rng.choice(distributors)
        lines.append(
            ledger_line(
                day=date(rng.choice((Y, P)), 1, 1) + timedelta(days=rng.randrange(365)),
                region_id=rng.choice(regions).pk,
                salesperson_id=rng.choice(reps).pk,
                product=rng.choice(products),
                quantity=rng.randint(1, 9),
                amount=D(rng.randint(100, 99999)) / 100,
                source=LedgerSource.IMPORT,
                distributor_id=distributor.pk,
            )
        )
    SalesLine.objects.bulk_create(lines)


def _queries(username: str, user) -> int:
    fresh = user(username)  # a new object: its scope is computed again, as in a request
    with CaptureQueriesContext(connection) as ctx:
        sales_statistics(user=fresh, year=Y)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["director", "rep_east"])
def test_query_count_does_not_grow_with_the_ledger(username, user):
    _random_ledger(50, seed=1)
    few = _queries(username, user)
    _random_ledger(450, seed=2)
    many = _queries(username, user)
    assert few == many
    assert many <= 12  # scope, grid, parties, and one query per dimension's names


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan wording")
def test_the_grid_and_the_parties_read_covering_indexes(known, user):
    with CaptureQueriesContext(connection) as ctx:
        sales_statistics(user=user("director"), year=Y)
    ledger = [q["sql"] for q in ctx.captured_queries if '"sales_salesline"' in q["sql"]]
    assert len(ledger) == 2
    plans = []
    with connection.cursor() as cursor:
        for sql in ledger:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert "USING COVERING INDEX sales_line_stats" in plans[0]
    assert "USING COVERING INDEX sales_line_party" in plans[1]
    assert all("TEMP B-TREE" not in plan for plan in plans)  # grouped in index order, no sort


# --- page, Excel, PDF ----------------------------------------------------------------------------------


@routes
def test_page_shows_kpis_charts_and_tables(known, client_as):
    response = _english(client_as("director")).get(PAGE, {"year": Y})
    assert response.status_code == 200
    html = response.content.decode()
    assert "¥1,897.00" in html
    assert 'id="statistics-chart-data"' in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "cdn" not in html.lower()
    assert f'<option value="{P}"' in html and f'<option value="{Y}" selected' in html
    for key in ("by_month", "by_region", "by_district", "by_category", "by_product", "by_distributor"):
        assert f'data-table="{key}"' in html
    assert response.context["stats"]["totals"]["amount"] == D("1897.00")
    assert response.context["charts"]["this_year"][0] == "1500.50"


@routes
def test_page_for_a_rep_and_refusals(known, client_as):
    response = client_as("rep_east").get(PAGE, {"year": Y})
    assert response.status_code == 200
    assert response.context["stats"]["totals"]["amount"] == D("1397.50")
    assert "华北" not in response.content.decode().split('id="statistics-chart-data"')[1]
    for name in (testing.PORTAL, testing.NOBODY, "quality"):
        assert client_as(name).get(PAGE, {"year": Y}).status_code == 403
        assert client_as(name).get(PDF, {"year": Y}).status_code == 403
        assert client_as(name).get(PAGE, {"year": Y, "export": "xlsx"}).status_code == 403


@routes
def test_page_with_a_bad_or_missing_year_shows_a_year(known, client_as):
    for query in ({}, {"year": "abc"}, {"year": "99999"}):
        response = client_as("director").get(PAGE, query)
        assert response.status_code == 200
        assert 1900 <= response.context["year"] <= 2999


@routes
def test_empty_year_page(client_as):
    response = client_as("director").get(PAGE, {"year": 2101})
    assert response.status_code == 200
    assert "data-empty" in response.content.decode()


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@routes
def test_excel_export_has_a_sheet_per_dimension(known, client_as):
    response = _english(client_as("director")).get(PAGE, {"year": Y, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Summary",
        "By month",
        "By region",
        "By district",
        "By product category",
        "By product",
        "By salesperson",
        "By distributor",
        "Top 10 direct customers",
    ]
    regions = list(wb["By region"].iter_rows(values_only=True))
    assert regions[0][:4] == ("Code", "Region", f"Quantity {Y}", f"Amount {Y} (¥)")
    assert regions[1][:8] == ("east", "华东", 14, 1397.5, 73.67, 8, 800, 74.69)
    months = list(wb["By month"].iter_rows(values_only=True))
    assert len(months) == 13 and months[1][0] == "Jan."
    summary_rows = list(wb["Summary"].iter_rows(values_only=True))
    assert summary_rows[2][:4] == ("Amount (¥)", 1897, 1200, 58.08)


@routes
def test_excel_export_of_a_rep_is_scoped(known, client_as):
    response = client_as("rep_east").get(PAGE, {"year": Y, "export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    names = [
        row[1] for row in wb.worksheets[2].iter_rows(min_row=2, values_only=True)
    ]  # "By region" (sheet names follow the language)
    assert names == ["华东"]


@routes
def test_annual_report_pdf(known, client_as):
    response = client_as("director").get(PDF, {"year": Y})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"sales-statistics-{Y}.pdf" in response["Content-Disposition"]


# --- API -----------------------------------------------------------------------------------------------


@routes
def test_api_returns_the_statistics_with_decimal_strings(known, api_as):
    response = api_as("director").get(API, {"year": Y})
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == Y and body["previous_year"] == P
    assert body["totals"]["amount"] == "1897.00"
    assert body["totals"]["growth"] == "58.08"
    assert body["totals"]["quantity"] == 17
    assert len(body["by_month"]) == 12 and body["by_month"][1]["growth"] is None
    top = body["top_distributors"][0]
    assert top == {
        "id": known["de1"].pk,
        "code": known["de1"].code,
        "name": known["de1"].name,
        "quantity": 9,
        "amount": "897.00",
        "share": "47.29",
        "previous_quantity": 8,
        "previous_amount": "800.00",
        "growth": "12.13",
    }
    for key in ("by_region", "by_district", "by_salesperson", "by_category", "by_product", "by_distributor"):
        assert isinstance(body[key], list)


@routes
def test_api_is_scoped(known, api_as):
    body = api_as("rep_east").get(API, {"year": Y}).json()
    assert body["totals"]["amount"] == "1397.50"
    assert [r["name"] for r in body["by_region"]] == ["华东"]


@routes
@pytest.mark.parametrize("query", [{}, {"year": ""}, {"year": "abc"}, {"year": "1800"}, {"year": "3000"}])
def test_api_refuses_a_bad_year(query, api_as):
    response = api_as("director").get(API, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "year" in body["fields"] and body["detail"].startswith("year")


@routes
def test_api_refusals(api_as, api_client):
    for name in (testing.PORTAL, testing.NOBODY):
        response = api_as(name).get(API, {"year": Y})
        assert response.status_code == 403
        assert set(response.json()) >= {"code", "detail"}
    assert api_client.get(API, {"year": Y}).status_code in (401, 403)


def test_a_running_year_is_compared_with_the_same_months_of_the_last(known, user, monkeypatch):
    """In June of Y, the previous year counts January–June only: no −100 % for months not yet sold."""
    from yingxiao.sales import statistics

    full = sales_statistics(user=user("director"), year=Y)
    assert full["through_month"] == 12
    monkeypatch.setattr(statistics.timezone, "localdate", lambda: date(Y, 6, 15))
    running = sales_statistics(user=user("director"), year=Y)
    assert running["through_month"] == 6
    december = running["by_month"][11]
    assert december["previous_amount"] == 0 and december["growth"] is None
    assert full["by_month"][11]["previous_amount"] > 0  # the known ledger sold in December of P
    assert running["totals"]["previous_amount"] < full["totals"]["previous_amount"]
    assert running["totals"]["amount"] == full["totals"]["amount"]
