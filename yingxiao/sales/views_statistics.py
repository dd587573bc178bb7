"""年终销售统计 pages: the statistics of a year (KPI cards, ECharts charts, a table per dimension, Excel
export with one sheet per dimension) and the annual report as a PDF.

Both read `statistics.sales_statistics`, so a regional user sees only their regions everywhere.
Company sales readers and regional staff may open them; distributors' portal logins may not.
"""

from decimal import Decimal
from typing import Any

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import MONTHS_AP
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from yingxiao.accounts.selectors import Scope, scope_of
from yingxiao.core.excel import xlsx_response
from yingxiao.core.pages import Page
from yingxiao.core.pdf import pdf_response
from yingxiao.core.templatetags.yx import money

from .selectors import SALES_READERS
from .statistics import MAX_YEAR, MIN_YEAR, reads_statistics, sales_statistics, statistics_years


def scope_label(scope: Scope) -> str:
    """Whose sales the figures cover: the whole company, or the user's regions."""
    if any(scope.holds_company_wide(role) for role in SALES_READERS):
        return _("Whole company")
    return "、".join(scope.region_names) or _("Your regions")


def chosen_year(raw: Any, years: list[int]) -> int:
    """The year asked for (`?year=`) when it is one, else this year if it has sales, else the latest."""
    try:
        year = int(raw)
    except (TypeError, ValueError):
        year = None
    if year is not None and MIN_YEAR <= year <= MAX_YEAR:
        return year
    today = timezone.localdate().year
    if today in years or not years:
        return today
    return years[0]


def month_label(month: int) -> str:
    """一月 … 十二月 / Jan. … Dec."""
    return str(MONTHS_AP[month])


def with_text(row: dict) -> dict:
    """The row with its quantities as text with thousands separators (Chinese formats have none)."""
    return {
        **row,
        "quantity_text": f"{row['quantity']:,}",
        "previous_quantity_text": f"{row['previous_quantity']:,}",
    }


def _signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"+{value}%" if value > 0 else f"{value}%"


# --- the summary (page and PDF) -------------------------------------------------------------------------


def _sentence_gap() -> str:
    """Chinese sentences follow each other without a space."""
    return "" if (get_language() or "").startswith("zh") else " "


def summary(stats: dict) -> list[str]:
    """A few sentences a director would write at the top of the annual report."""
    totals = stats["totals"]
    year, previous = stats["year"], stats["previous_year"]
    if not totals["amount"] and not totals["previous_amount"]:
        return [_("There are no sales in %(year)s.") % {"year": year}]
    growth = totals["growth"]
    if growth is None:
        trend = _("there were no sales in %(previous)s to compare with") % {"previous": previous}
    elif growth >= 0:
        trend = _("up %(growth)s%% on %(previous)s (%(amount)s)") % {
            "growth": growth,
            "previous": previous,
            "amount": money(totals["previous_amount"]),
        }
    else:
        trend = _("down %(growth)s%% on %(previous)s (%(amount)s)") % {
            "growth": -growth,
            "previous": previous,
            "amount": money(totals["previous_amount"]),
        }
    lines = [
        _("In %(year)s sales came to %(amount)s for %(quantity)s units, %(trend)s.")
        % {
            "year": year,
            "amount": money(totals["amount"]),
            "quantity": f"{totals['quantity']:,}",
            "trend": trend,
        }
    ]
    regions = [r for r in stats["by_region"] if r["amount"] > 0]
    if len(regions) > 1:
        lead = regions[0]
        growing = [r for r in regions if r["growth"] is not None]
        text = _("%(region)s led the regions with %(share)s%% of sales.") % {
            "region": lead["name"],
            "share": lead["share"],
        }
        if growing:
            fastest = max(growing, key=lambda r: r["growth"])
            text += _sentence_gap() + _("%(region)s grew fastest (%(growth)s).") % {
                "region": fastest["name"],
                "growth": _signed(fastest["growth"]),
            }
        lines.append(text)
    if stats["by_category"] and stats["top_products"]:
        category, product = stats["by_category"][0], stats["top_products"][0]
        lines.append(
            _(
                "The largest category was %(category)s (%(share)s%%); the best-selling product was "
                "%(product)s (%(amount)s)."
            )
            % {
                "category": category["name"],
                "share": category["share"],
                "product": product["name"],
                "amount": money(product["amount"]),
            }
        )
    if stats["top_distributors"]:
        best = stats["top_distributors"][0]
        lines.append(
            _(
                "%(count)s distributors bought this year; the largest was %(name)s with %(amount)s "
                "(%(share)s%% of sales)."
            )
            % {
                "count": totals["distributors"],
                "name": best["name"],
                "amount": money(best["amount"]),
                "share": best["share"],
            }
        )
    months = [m for m in stats["by_month"] if m["amount"]]
    if months:
        high = max(months, key=lambda m: m["amount"])
        low = min(months, key=lambda m: m["amount"])
        lines.append(
            _("The strongest month was %(high)s (%(high_amount)s), the weakest %(low)s (%(low_amount)s).")
            % {
                "high": month_label(high["month"]),
                "high_amount": money(high["amount"]),
                "low": month_label(low["month"]),
                "low_amount": money(low["amount"]),
            }
        )
    if totals["customers"]:
        lines.append(
            _("%(count)s direct customers bought %(amount)s (%(share)s%% of sales).")
            % {
                "count": totals["customers"],
                "amount": money(totals["direct_amount"]),
                "share": totals["direct_share"],
            }
        )
    return lines


# --- tables (page, PDF and Excel share them) -------------------------------------------------------------

#: Dimensions whose rows add up to the year's total (every ledger line has a month, region, ...).
COMPLETE = ("by_month", "by_region", "by_category", "by_product", "by_salesperson")
#: Dimensions whose codes mean something to a reader (shown before the name in the page and the PDF).
CODED = ("by_product", "by_distributor", "top_customers")
#: Rows of the longer tables in the PDF.
PDF_ROWS = {"by_distributor": 30, "by_product": 50, "by_salesperson": 50}


def tables(stats: dict) -> list[dict]:
    """The dimensions shown as tables, in the order of the report."""
    months = [{**row, "name": month_label(row["month"])} for row in stats["by_month"]]
    candidates = [
        ("by_month", _("By month"), _("Month"), months),
        ("by_region", _("By region"), _("Region"), stats["by_region"]),
        ("by_district", _("By district"), _("District"), stats["by_district"]),
        ("by_category", _("By product category"), _("Category"), stats["by_category"]),
        ("by_product", _("By product"), _("Product"), stats["by_product"]),
        ("by_salesperson", _("By salesperson"), _("Salesperson"), stats["by_salesperson"]),
        ("by_distributor", _("By distributor"), _("Distributor"), stats["by_distributor"]),
        ("top_customers", _("Top 10 direct customers"), _("Customer"), stats["top_customers"]),
    ]
    return [
        {
            "key": key,
            "title": title,
            "label": label,
            "rows": [with_text(row) for row in rows],
            "coded": key in CODED,
            "complete": key in COMPLETE,
        }
        for key, title, label, rows in candidates
        if rows or key in ("by_month", "by_region")
    ]


def pdf_tables(stats: dict) -> list[dict]:
    """The tables of the PDF: long ones cut (the Excel export has every row), with share bars."""
    result = []
    for table in tables(stats):
        limit = PDF_ROWS.get(table["key"], 50)
        rows = [
            {**row, "bar_mm": f"{min(max(row['share'] or 0, 0), 100) * Decimal('0.16'):.1f}"}
            for row in table["rows"][:limit]
        ]
        result.append({**table, "pdf_rows": rows, "cut": max(len(table["rows"]) - limit, 0)})
    return result


def chart_data(stats: dict) -> dict:
    """What the ECharts charts draw (amounts as strings: the page turns them into numbers to draw)."""

    def pairs(rows: list[dict]) -> dict:
        return {"names": [r["name"] for r in rows], "values": [str(r["amount"]) for r in rows]}

    return {
        "labels": {
            "this_year": str(stats["year"]),
            "last_year": str(stats["previous_year"]),
            "amount": _("Amount (¥)"),
        },
        "months": [month_label(m["month"]) for m in stats["by_month"]],
        "this_year": [str(m["amount"]) for m in stats["by_month"]],
        "last_year": [str(m["previous_amount"]) for m in stats["by_month"]],
        "regions": {
            **pairs(stats["by_region"]),
            "previous": [str(r["previous_amount"]) for r in stats["by_region"]],
        },
        "categories": [
            {"name": r["name"], "value": str(r["amount"])} for r in stats["by_category"] if r["amount"] > 0
        ],
        "top_distributors": pairs(stats["top_distributors"]),
        "top_products": pairs(stats["top_products"]),
    }


def month_bars(stats: dict, width: int = 680, height: int = 150) -> dict:
    """Geometry of the PDF's month chart (an inline SVG: WeasyPrint runs no JavaScript)."""
    rows = stats["by_month"]
    top = max([max(r["amount"], r["previous_amount"]) for r in rows] + [Decimal(1)])
    slot = width / 12
    bar = slot * 0.36
    bars = []
    for i, row in enumerate(rows):
        x = i * slot + slot * 0.12
        this_h = float(max(row["amount"], 0) / top) * height
        last_h = float(max(row["previous_amount"], 0) / top) * height
        bars.append(
            {
                "label": month_label(row["month"]),
                "label_x": round(i * slot + slot / 2, 1),
                "last_x": round(x, 1),
                "last_y": round(height - last_h, 1),
                "last_h": round(last_h, 1),
                "this_x": round(x + bar, 1),
                "this_y": round(height - this_h, 1),
                "this_h": round(this_h, 1),
            }
        )
    return {
        "bars": bars,
        "bar": round(bar, 1),
        "width": width,
        "height": height,
        "top": money(top),
        # drawn 182 mm wide; the height keeps the proportions (labels take 24 units below the bars)
        "height_mm": f"{182 * (height + 24) / width:.1f}",
    }


# --- Excel -----------------------------------------------------------------------------------------------

_MONEY_FORMAT = "#,##0.00"
_PERCENT_FORMAT = "0.00"


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str]) -> None:
    """A sheet in the house style (core.excel.build_workbook): bold header row, frozen, sized columns."""
    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        ws.append(row)
        for i, cell in enumerate(ws[ws.max_row]):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a live formula
            if i in formats and cell.value is not None:
                cell.number_format = formats[i]
        for i, value in enumerate(row):
            widths[i] = min(60, max(widths[i], len(str(value)) * (2 if isinstance(value, str) else 1) + 2))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def statistics_workbook(stats: dict, scope_text: str) -> Workbook:
    """Summary, then one sheet per dimension."""
    year, previous = stats["year"], stats["previous_year"]
    totals = stats["totals"]
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        _("Summary"),
        [_("Item"), str(year), str(previous), _("Growth %")],
        [
            [_("Scope"), scope_text, "", None],
            [_("Amount (¥)"), totals["amount"], totals["previous_amount"], totals["growth"]],
            [_("Quantity"), totals["quantity"], totals["previous_quantity"], totals["quantity_growth"]],
            [_("Distributors buying"), totals["distributors"], None, None],
            [_("Direct customers buying"), totals["customers"], None, None],
            [_("Direct sales (¥)"), totals["direct_amount"], None, None],
            *[[line, "", "", None] for line in summary(stats)],
        ],
        {3: _PERCENT_FORMAT},
    )
    for table in tables(stats):
        coded = table["key"] != "by_month"
        headers = [
            *([_("Code")] if coded else []),
            str(table["label"]),
            _("Quantity %(year)s") % {"year": year},
            _("Amount %(year)s (¥)") % {"year": year},
            _("Share %"),
            _("Quantity %(year)s") % {"year": previous},
            _("Amount %(year)s (¥)") % {"year": previous},
            _("Growth %"),
        ]
        offset = 1 if coded else 0
        rows = [
            [
                *([row["code"]] if coded else []),
                row["name"],
                row["quantity"],
                row["amount"],
                row["share"],
                row["previous_quantity"],
                row["previous_amount"],
                row["growth"],
            ]
            for row in table["rows"]
        ]
        formats = {
            offset + 2: _MONEY_FORMAT,
            offset + 3: _PERCENT_FORMAT,
            offset + 5: _MONEY_FORMAT,
            offset + 6: _PERCENT_FORMAT,
        }
        _sheet(wb, str(table["title"]), headers, rows, formats)
    return wb


# --- pages -----------------------------------------------------------------------------------------------


class StatisticsPage(Page):
    """`…/statistics/?year=2025[&export=xlsx]`: the year's statistics with charts and tables."""

    title = gettext_lazy("Annual sales statistics")
    allowed = staticmethod(reads_statistics)
    template_name = "sales/statistics/page.html"

    def get(self, request):
        years = statistics_years(request.user)
        year = chosen_year(request.GET.get("year"), years)
        stats = sales_statistics(user=request.user, year=year)
        scope_text = scope_label(scope_of(request.user))
        if request.GET.get("export") == "xlsx":
            return xlsx_response(statistics_workbook(stats, scope_text), f"sales-statistics-{year}")
        context = {
            "title": self.title,
            "year": year,
            "years": sorted(set(years) | {year}, reverse=True),
            "stats": stats,
            "totals": with_text(stats["totals"]),
            "tables": tables(stats),
            "summary": summary(stats),
            "charts": chart_data(stats),
            "scope_text": scope_text,
            "has_sales": bool(stats["totals"]["amount"] or stats["totals"]["previous_amount"]),
        }
        return render(request, self.template_name, context)


class StatisticsReportPdf(Page):
    """`…/statistics/pdf/?year=2025`: the annual report (年度销售统计报告) as a PDF."""

    title = gettext_lazy("Annual sales report")
    allowed = staticmethod(reads_statistics)
    template_name = "sales/statistics/report_pdf.html"

    def get(self, request):
        years = statistics_years(request.user)
        year = chosen_year(request.GET.get("year"), years)
        stats = sales_statistics(user=request.user, year=year)
        context = {
            "year": year,
            "stats": stats,
            "totals": with_text(stats["totals"]),
            "tables": pdf_tables(stats),
            "summary": summary(stats),
            "chart": month_bars(stats),
            "scope_text": scope_label(scope_of(request.user)),
            "printed_at": timezone.localtime(),
            "printed_by": request.user.display_name,
        }
        html = render_to_string(self.template_name, context, request=request)
        return pdf_response(html, f"sales-statistics-{year}.pdf")
