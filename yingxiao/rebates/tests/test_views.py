"""The rebate pages: who may open them, the policy form with its tiers and bands, the simulation partial,
the run page with its progress, results and lines (filters, Excel), statements for distributors, the PDFs
(amount in capitals), flags, advances and the report."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yingxiao.core.money import amount_in_words
from yingxiao.core.testing import read_xlsx
from yingxiao.org.models import Region
from yingxiao.partners.models import Distributor
from yingxiao.rebates.forms import SendBackForm
from yingxiao.rebates.models import CrossRegionFlag, RebateAdvance, RebatePolicy, RebateRun, Statement

from .builders import active_policy, last_year, new_policy, new_run, run_in, statement_in

pytestmark = pytest.mark.django_db


def demo_policy() -> RebatePolicy:
    return RebatePolicy.objects.get(status="active", year=last_year(), scope_key="all")


def issued_run() -> RebateRun:
    return RebateRun.objects.get(policy=demo_policy(), status="issued")


def form_data(**overrides) -> dict:
    data = {
        "year": "2091",
        "name": "页面政策",
        "scope": "grades",
        "grades": ["C"],
        "basis": "amount",
        "tier_mode": "retroactive",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-threshold": "0",
        "tiers-0-rate": "1.5",
        "tiers-1-threshold": "2000000",
        "tiers-1-rate": "2.5",
        "tiers-2-threshold": "",
        "tiers-2-rate": "",
        "bands-TOTAL_FORMS": "1",
        "bands-INITIAL_FORMS": "0",
        "bands-0-max_days": "",
        "bands-0-factor": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("username", "url_name", "status"),
    [
        ("marketer", "rebates:policy_list", 200),
        ("rep_east", "rebates:policy_list", 200),
        ("dist_e01", "rebates:policy_list", 403),
        ("nobody", "rebates:policy_list", 403),
        ("service", "rebates:run_list", 200),
        ("rep_east", "rebates:run_list", 403),
        ("dist_e01", "rebates:run_list", 403),
        ("dist_e01", "rebates:statement_list", 200),
        ("nobody", "rebates:statement_list", 403),
        ("director", "rebates:report", 200),
        ("dist_e01", "rebates:report", 403),
        ("manager_east", "rebates:flag_list", 200),
        ("finance", "rebates:advance_list", 200),
        ("marketer", "rebates:policy_create", 200),
        ("director", "rebates:policy_create", 403),
        ("service", "rebates:run_start", 200),
        ("finance", "rebates:run_start", 403),
        ("manager_east", "rebates:flag_create", 200),
        ("rep_east", "rebates:flag_create", 403),
        ("finance", "rebates:advance_create", 200),
        ("director", "rebates:advance_create", 403),
    ],
)
def test_who_may_open_the_pages(client_as, username, url_name, status):
    assert client_as(username).get(reverse(url_name)).status_code == status


def test_the_market_department_drafts_a_policy_with_tiers_in_percent(client_as):
    client = client_as("marketer")
    response = client.post(reverse("rebates:policy_create"), form_data())
    assert response.status_code == 302
    policy = RebatePolicy.objects.get(name="页面政策")
    assert [(t.threshold, t.rate) for t in policy.tiers.all()] == [
        (Decimal("0.00"), Decimal("0.0150")),
        (Decimal("2000000.00"), Decimal("0.0250")),
    ]
    page = client.get(reverse("rebates:policy_detail", args=[policy.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1.5%" in html and "2.5%" in html and reverse("rebates:policy_edit", args=[policy.pk]) in html
    edit = client.post(reverse("rebates:policy_edit", args=[policy.pk]), form_data(name="改过的政策"))
    assert edit.status_code == 302
    policy.refresh_from_db()
    assert policy.name == "改过的政策"


def test_the_policy_form_adds_tier_and_band_rows_in_the_browser(client_as):
    client = client_as("marketer")
    html = client.get(reverse("rebates:policy_create")).content.decode()
    assert "core/formset.js" in html and finders.find("core/formset.js")
    for prefix in ("tiers", "bands"):
        assert f'data-formset="{prefix}"' in html and f'name="{prefix}-__prefix__-' in html
    assert html.count("data-formset-add") == 2
    # rows added in the browser (more than the three extra ones) are saved like the others
    rows = {
        f"tiers-{i}-{field}": value
        for i, (t, r) in enumerate(
            [("0", "1"), ("1000000", "1.5"), ("2000000", "2"), ("3000000", "2.5"), ("4000000", "3")]
        )
        for field, value in (("threshold", t), ("rate", r))
    }
    response = client.post(
        reverse("rebates:policy_create"), form_data(name="五档政策", **{"tiers-TOTAL_FORMS": "5"}, **rows)
    )
    assert response.status_code == 302
    assert RebatePolicy.objects.get(name="五档政策").tiers.count() == 5


def test_duplicate_thresholds_show_on_the_form_and_nothing_is_saved(client_as):
    response = client_as("marketer").post(
        reverse("rebates:policy_create"), form_data(**{"tiers-1-threshold": "0", "name": "重复门槛"})
    )
    assert response.status_code == 400
    assert not RebatePolicy.objects.filter(name="重复门槛").exists()
    assert "0" in response.content.decode() and response.context["form"].errors


def test_an_active_policy_page_offers_a_revision_not_an_edit(client_as):
    policy = demo_policy()
    html = client_as("marketer").get(reverse("rebates:policy_detail", args=[policy.pk])).content.decode()
    assert reverse("rebates:policy_revise", args=[policy.pk]) in html
    assert reverse("rebates:policy_edit", args=[policy.pk]) not in html
    redirected = client_as("marketer").get(reverse("rebates:policy_edit", args=[policy.pk]))
    assert redirected.status_code == 302
    revised = client_as("marketer").post(reverse("rebates:policy_revise", args=[policy.pk]))
    revision = RebatePolicy.objects.get(previous=policy)
    assert revised.url == reverse("rebates:policy_edit", args=[revision.pk])


def test_the_simulation_partial_shows_total_cost_and_ratio(client_as):
    policy = demo_policy()
    response = client_as("director").get(
        reverse("rebates:policy_simulate", args=[policy.pk]), {"year": last_year()}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-total-cost" in html and "data-ratio" in html and "E01" in html
    assert (
        client_as("director")
        .get(reverse("rebates:policy_simulate", args=[policy.pk]), {"year": "1"})
        .status_code
        == 400
    )


def test_the_run_page_shows_progress_while_computing_then_results(client_as):
    run = issued_run()
    client = client_as("finance")
    html = client.get(reverse("rebates:run_detail", args=[run.pk])).content.decode()
    assert reverse("rebates:run_results", args=[run.pk]) in html and "hx-trigger" not in html
    RebateRun.objects.filter(pk=run.pk).update(calc_status="running", progress=40)
    html = client.get(reverse("rebates:run_detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "40%" in html
    RebateRun.objects.filter(pk=run.pk).update(calc_status="done", progress=100)
    done = client.get(reverse("rebates:run_progress", args=[run.pk]), {"poll": 1}, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_results_and_lines_filter_and_export(client_as):
    run = issued_run()
    client = client_as("finance")
    results = client.get(reverse("rebates:run_results", args=[run.pk]), {"distributor": "E01"})
    assert results.status_code == 200 and len(results.context["rows"]) == 1
    export = client.get(reverse("rebates:run_results", args=[run.pk]), {"export": "xlsx"})
    headers, rows = read_xlsx(export.content)
    assert len(rows) == run.results.count()
    lines = client.get(reverse("rebates:run_lines", args=[run.pk]), {"distributor": "N01"})
    assert (
        lines.status_code == 200
        and lines.context["page"].paginator.count == run.lines.filter(distributor__code="N01").count()
    )
    assert client_as("rep_east").get(reverse("rebates:run_lines", args=[run.pk])).status_code == 403


def test_a_distributor_opens_only_its_own_statement(client_as):
    mine = Statement.objects.get(run=issued_run(), distributor__code="E01")
    page = client_as("dist_e01").get(reverse("rebates:statement_detail", args=[mine.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert amount_in_words(mine.amount) in html and 'data-bs-target="#step-confirm"' in html
    listed = client_as("dist_e01").get(reverse("rebates:statement_list"))
    assert {row[0].distributor.code for row in listed.context["rows"]} == {"E01"}
    assert client_as("dist_n01").get(reverse("rebates:statement_detail", args=[mine.pk])).status_code == 404
    assert client_as("dist_n01").get(reverse("rebates:statement_pdf", args=[mine.pk])).status_code == 404


def test_confirming_from_the_page(client_as):
    mine = statement_in("issued")
    response = client_as("dist_e01").post(
        reverse("workflow:step", args=["rebate_statement", mine.pk, "confirm"]), {"version": mine.version}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "confirmed"


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_statement_and_payout_pdfs_print_the_amount_in_figures_and_capitals(client_as, tmp_path):
    paid = Statement.objects.get(run=issued_run(), status="paid")
    response = client_as("finance").get(reverse("rebates:statement_pdf", args=[paid.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    assert f"¥{paid.amount:,.2f}" in text and amount_in_words(paid.amount) in text
    payout = client_as("dist_w01").get(reverse("rebates:payout_pdf", args=[paid.pk]))
    text = _pdf_text(payout.content, tmp_path)
    assert amount_in_words(paid.payout.amount) in text and paid.payout.reference in text
    unpaid = Statement.objects.get(run=issued_run(), distributor__code="E01")
    assert client_as("finance").get(reverse("rebates:payout_pdf", args=[unpaid.pk])).status_code == 404


def test_the_report_shows_owed_against_paid_and_exports(client_as):
    client = client_as("director")
    response = client.get(reverse("rebates:report"), {"year": last_year()})
    assert response.status_code == 200
    report = response.context["report"]
    owed = sum(s.amount for s in Statement.objects.filter(run=issued_run()))
    paid = sum(s.payout.amount for s in Statement.objects.filter(run=issued_run(), status="paid"))
    assert (report["totals"]["owed"], report["totals"]["paid"]) == (owed, paid)
    assert sum(r["owed"] for r in report["by_region"]) == owed
    assert report["totals"]["ratio"] is not None and 0 < report["totals"]["ratio"] < 10
    assert [r["year"] for r in report["years"]] == [last_year() - 1, last_year()]  # year over year
    export = client.get(reverse("rebates:report"), {"year": last_year(), "export": "xlsx"})
    headers, rows = read_xlsx(export.content)
    assert len(rows) == len(report["by_region"])
    regional = (
        client_as("manager_east").get(reverse("rebates:report"), {"year": last_year()}).context["report"]
    )
    assert [r["name"] for r in regional["by_region"]] == ["华东"]


def test_a_regional_manager_flags_and_lifts(client_as):
    client = client_as("manager_east")
    east = Distributor.objects.get(code="E03")
    response = client.post(
        reverse("rebates:flag_create"), {"distributor": east.pk, "year": "2025", "evidence": "照片"}
    )
    assert response.status_code == 302
    flag = CrossRegionFlag.objects.get(distributor=east, evidence="照片")
    assert client_as("manager_north").get(reverse("rebates:flag_detail", args=[flag.pk])).status_code == 404
    client.post(reverse("rebates:flag_detail", args=[flag.pk]))
    flag.refresh_from_db()
    assert flag.lifted_by.username == "manager_east"
    north = Distributor.objects.get(code="N01")
    refused = client.post(
        reverse("rebates:flag_create"), {"distributor": north.pk, "year": "2025", "evidence": "x"}
    )
    assert refused.status_code == 400


def test_finance_records_an_advance(client_as):
    east = Distributor.objects.get(code="E04")
    response = client_as("finance").post(
        reverse("rebates:advance_create"),
        {
            "distributor": east.pk,
            "year": "2026",
            "amount": "8000",
            "paid_on": "2026-06-30",
            "reference": "YF-9",
        },
    )
    assert response.status_code == 302
    assert RebateAdvance.objects.get(reference="YF-9").amount == Decimal("8000.00")


def test_customer_service_starts_a_run_from_the_page(client_as):
    policy = active_policy(
        year=last_year(), scope="distributors", distributors=[Distributor.objects.get(code="W02")]
    )
    response = client_as("service").post(reverse("rebates:run_start"), {"policy": policy.pk})
    assert response.status_code == 302
    run = RebateRun.objects.get(policy=policy)
    assert response.url == reverse("rebates:run_detail", args=[run.pk]) and run.calc_status == "done"
    again = client_as("service").post(reverse("rebates:run_start"), {"policy": policy.pk})
    assert again.status_code == 400  # its run is in progress: the page says which
    assert run.number in again.content.decode() and RebateRun.objects.filter(policy=policy).count() == 1
    issued = client_as("service").post(reverse("rebates:run_start"), {"policy": demo_policy().pk})
    assert issued.status_code == 400  # its statements are issued already
    assert issued_run().number in issued.content.decode()


def test_the_menu_lists_the_rebate_pages(client_as):
    html = client_as("director").get(reverse("rebates:policy_list")).content.decode()
    for name in ("policy_list", "run_list", "statement_list", "report"):
        assert reverse(f"rebates:{name}") in html
    portal = client_as("dist_e01").get(reverse("rebates:statement_list")).content.decode()
    assert reverse("rebates:statement_list") in portal and reverse("rebates:run_list") not in portal


def test_the_payout_dialog_gives_the_date_picker_an_iso_date(client_as):
    confirmed = statement_in("confirmed")
    html = client_as("finance").get(reverse("rebates:statement_detail", args=[confirmed.pk])).content.decode()
    assert 'id="step-pay"' in html
    picker = re.search(r'<input type="date" name="[^"]*paid_on"[^>]*>', html)
    assert picker and f'value="{timezone.localdate().isoformat()}"' in picker.group()


def _quiet_year() -> int:
    """A year with no policy active or under review."""
    busy = set(
        RebatePolicy.objects.filter(status__in=["active", "director_review"]).values_list("year", flat=True)
    )
    return next(year for year in range(2001, 2100) if year not in busy)


def test_a_draft_lists_the_active_policies_it_stacks_with(client_as, api_as):
    year = _quiet_year()
    everyone = active_policy(year=year, scope="all")
    bonus = new_policy(year=year, scope="grades", grades=["A"])
    grade_a = Distributor.objects.filter(grade="A").count()
    assert grade_a
    html = client_as("director").get(reverse("rebates:policy_detail", args=[bonus.pk])).content.decode()
    alert = re.search(
        r"<div class=\"alert alert-warning\" role=\"alert\" data-overlaps>.*?</div>", html, re.S
    )
    assert alert and everyone.number in alert.group() and str(grade_a) in alert.group()
    body = api_as("director").get(f"/api/v1/rebate-policies/{bonus.pk}/").json()
    assert [(o["number"], o["distributors"]) for o in body["overlaps"]] == [(everyone.number, grade_a)]
    # the active one is no longer being decided: nothing shown there
    html = client_as("director").get(reverse("rebates:policy_detail", args=[everyone.pk])).content.decode()
    assert "data-overlaps" not in html


def test_policies_of_disjoint_regions_do_not_overlap(client_as):
    year = _quiet_year()
    active_policy(year=year, scope="regions", regions=[Region.objects.get(code="east")])
    north = new_policy(year=year, scope="regions", regions=[Region.objects.get(code="north")])
    html = client_as("director").get(reverse("rebates:policy_detail", args=[north.pk])).content.decode()
    assert "data-overlaps" not in html


def test_a_run_still_computing_shows_so_and_offers_no_submit(client_as):
    run = new_run()
    client = client_as("service")
    url = reverse("rebates:run_detail", args=[run.pk])
    html = client.get(url).content.decode()
    assert 'data-bs-target="#step-submit"' in html and "data-computing" not in html
    for calc_status, alert in (
        ("queued", "alert-info"),
        ("running", "alert-info"),
        ("failed", "alert-danger"),
    ):
        RebateRun.objects.filter(pk=run.pk).update(calc_status=calc_status)
        html = client.get(url).content.decode()
        assert re.search(rf'class="alert {alert}[^"]*" role="alert" data-computing', html)
        assert re.search(r"data-calc-status>[^<]+</span>", html)
        assert 'data-bs-target="#step-submit"' not in html


def test_the_distributor_reads_the_lines_of_its_statement_page_by_page_and_in_excel(client_as):
    mine = Statement.objects.select_related("result", "region__parent").get(
        run=issued_run(), distributor__code="E01"
    )
    count = mine.run.lines.filter(distributor=mine.distributor).count()
    assert count == mine.result.line_count > 25
    client = client_as("dist_e01")
    url = reverse("rebates:statement_detail", args=[mine.pk])
    with CaptureQueriesContext(connection) as first:
        page = client.get(url)
    lines = page.context["lines"]
    assert (len(lines.object_list), lines.paginator.count) == (25, count)
    html = page.content.decode()
    assert lines.object_list[0].sales_line.product.name in html
    last = lines.paginator.num_pages
    with CaptureQueriesContext(connection) as other:
        tail = client.get(url, {"page": last})
    assert len(tail.context["lines"].object_list) == count - 25 * (last - 1)
    assert len(other) == len(first)  # the ledger rows and products are joined, not fetched per line
    # the base is money on a purchase-amount basis; the region is the top region
    assert f"¥{mine.result.base:,.2f}" in html
    top = mine.region.parent or mine.region
    assert re.search(rf"data-region>{top.name}<", html)
    export = client.get(url, {"export": "xlsx"})
    headers, rows = read_xlsx(export.content)
    assert len(rows) == count
    assert client_as("dist_n01").get(url, {"export": "xlsx"}).status_code == 404
    assert client_as("dist_n01").get(url).status_code == 404


def test_finance_ticks_the_disputed_distributors_of_the_run(client_as, api_as):
    policy = active_policy(
        year=last_year(),
        scope="distributors",
        distributors=list(Distributor.objects.filter(code__in=["N01", "N02"])),
    )
    run = run_in("finance_review", policy)
    client = client_as("finance")
    url = reverse("rebates:run_detail", args=[run.pk])
    html = client.get(url).content.decode()
    assert re.findall(
        r'type="checkbox" class="form-check-input" name="send_back-distributors\.(\w+)"', html
    ) == [
        "N01",
        "N02",
    ]
    step = reverse("workflow:step", args=["rebate_run", run.pk, "send_back"])
    refused = client.post(
        step, {"version": run.version, "comment": "核对", "send_back-distributors.N09": "N09"}, follow=True
    )
    text = " ".join(str(m) for m in refused.context["messages"])
    label = SendBackForm.base_fields["distributors"].label
    assert text.startswith(f"{label}: ") and "N09" in text, text
    run.refresh_from_db()
    assert run.status == "finance_review"
    posted = {
        "version": run.version,
        "comment": "核对回款",
        "send_back-distributors.N01": "N01",
        "send_back-distributors.N02": "N02",
        "send_back-note": "回款天数有误",
    }
    assert client.post(step, posted).status_code == 302
    run.refresh_from_db()
    assert (run.status, [d["code"] for d in run.disputed]) == ("returned", ["N01", "N02"])


def test_an_active_policy_has_a_status_word_of_its_own():
    """Not the distributors' "Active" (合作中): the policy's has a context of its own."""
    from django.utils import translation

    from yingxiao.rebates.choices import PolicyStatus

    with translation.override("zh-hans"):
        assert str(PolicyStatus.ACTIVE.label) != translation.gettext("Active")
    with translation.override("en"):
        assert str(PolicyStatus.ACTIVE.label) == "Active"
