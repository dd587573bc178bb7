"""Rebate pages."""

from django.urls import path

from . import views

app_name = "rebates"
urlpatterns = [
    path("policies/", views.PolicyList.as_view(), name="policy_list"),
    path("policies/new/", views.PolicyCreate.as_view(), name="policy_create"),
    path("policies/<int:pk>/", views.PolicyDetail.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", views.PolicyEdit.as_view(), name="policy_edit"),
    path("policies/<int:pk>/revise/", views.PolicyRevise.as_view(), name="policy_revise"),
    path("policies/<int:pk>/simulate/", views.PolicySimulation.as_view(), name="policy_simulate"),
    path("runs/", views.RunList.as_view(), name="run_list"),
    path("runs/new/", views.RunStart.as_view(), name="run_start"),
    path("runs/<int:pk>/", views.RunDetail.as_view(), name="run_detail"),
    path("runs/<int:pk>/progress/", views.RunProgress.as_view(), name="run_progress"),
    path("runs/<int:pk>/recalculate/", views.RunRecalculate.as_view(), name="run_recalculate"),
    path("runs/<int:pk>/results/", views.RunResults.as_view(), name="run_results"),
    path("runs/<int:pk>/lines/", views.RunLines.as_view(), name="run_lines"),
    path("statements/", views.StatementList.as_view(), name="statement_list"),
    path("statements/<int:pk>/", views.StatementDetail.as_view(), name="statement_detail"),
    path("statements/<int:pk>/pdf/", views.StatementPdf.as_view(), name="statement_pdf"),
    path("statements/<int:pk>/payout-pdf/", views.PayoutPdf.as_view(), name="payout_pdf"),
    path("flags/", views.FlagList.as_view(), name="flag_list"),
    path("flags/new/", views.FlagCreate.as_view(), name="flag_create"),
    path("flags/<int:pk>/", views.FlagDetail.as_view(), name="flag_detail"),
    path("advances/", views.AdvanceList.as_view(), name="advance_list"),
    path("advances/new/", views.AdvanceCreate.as_view(), name="advance_create"),
    path("report/", views.ReportPage.as_view(), name="report"),
]
