"""The quality report (seed 四.2.8): problems found by the quality department by product, batch, cause,
region and month, with ECharts charts and an Excel export (one sheet per dimension)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from yingxiao.core.excel import xlsx_response
from yingxiao.core.pages import Page

from . import selectors
from .choices import QualityCause
from .views import reads_quality, scope_label

DIMENSION_TITLES = {
    "product": gettext_lazy("By product"),
    "batch": gettext_lazy("By batch"),
    "cause": gettext_lazy("By cause"),
    "region": gettext_lazy("By region"),
    "month": gettext_lazy("By month"),
}


def _label(key: str, row: dict) -> str:
    if key == "product":
        return f"{row['key']} {row['label'] or ''}".strip()
    if key == "cause":
        return str(QualityCause(row["key"]).label) if row["key"] else _("Not determined")
    if key == "month":
        return row["key"].strftime("%Y-%m") if row["key"] else "—"
    if key == "batch":
        return row["key"] or _("(no batch)")
    return str(row["key"] or "—")


def _year(raw, years: list[int]) -> int | None:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return None
    return year if year in years else None


class QualityReport(Page):
    """Problems by product, batch, cause, region and month; `?export=xlsx` downloads the tables."""

    allowed = staticmethod(reads_quality)

    def get(self, request):
        years = selectors.report_years(request.user)
        year = _year(request.GET.get("year"), years)
        only_quality = request.GET.get("quality") == "1"
        report = selectors.quality_report(request.user, year=year, only_quality=only_quality)
        tables = [
            {
                "key": key,
                "title": DIMENSION_TITLES[key],
                "rows": [{**row, "name": _label(key, row)} for row in rows],
            }
            for key, rows in report.items()
        ]
        if request.GET.get("export") == "xlsx":
            return self.export(tables)
        charts = {
            t["key"]: {
                "names": [r["name"] for r in t["rows"][:15]],
                "exchange": [r["exchange"] for r in t["rows"][:15]],
                "return": [r["return"] for r in t["rows"][:15]],
                "units": [r["units"] for r in t["rows"][:15]],
            }
            for t in tables
        }
        charts["labels"] = {"exchange": _("Exchanges"), "return": _("Returns"), "units": _("Units")}
        totals = {
            "cases": sum(r["cases"] for r in report["cause"]),
            "quality": sum(r["quality"] for r in report["cause"]),
            "units": sum(r["units"] for r in report["cause"]),
        }
        context = {
            "title": _("Quality report"),
            "scope_text": scope_label(request.user),
            "years": years,
            "year": year,
            "only_quality": only_quality,
            "tables": tables,
            "charts": charts,
            "totals": totals,
            "satisfaction": selectors.satisfaction_summary(request.user),
        }
        return render(request, "aftersales/quality_report.html", context)

    def export(self, tables):
        workbook = Workbook()
        workbook.remove(workbook.active)
        headers = [_("name"), _("cases"), _("Exchanges"), _("Returns"), _("quality problems"), _("Units")]
        for table in tables:
            sheet = workbook.create_sheet(str(table["title"])[:31])
            sheet.append([str(h) for h in headers])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in table["rows"]:
                sheet.append(
                    [row["name"], row["cases"], row["exchange"], row["return"], row["quality"], row["units"]]
                )
            sheet.column_dimensions["A"].width = 32
        return xlsx_response(workbook, "quality-report")
