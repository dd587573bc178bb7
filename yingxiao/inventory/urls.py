"""Inventory pages."""

from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("shortfalls/", views.ShortfallPage.as_view(), name="shortfalls"),
    path("transfers/", views.TransferList.as_view(), name="transfer_list"),
    path("transfers/new/", views.TransferCreate.as_view(), name="transfer_create"),
    path("transfers/<int:pk>/", views.TransferDetail.as_view(), name="transfer_detail"),
    path("transfers/<int:pk>/edit/", views.TransferEdit.as_view(), name="transfer_edit"),
    path("transfers/<int:pk>/pdf/", views.TransferPdf.as_view(), name="transfer_pdf"),
    path("stock/", views.StockLevelList.as_view(), name="stock_list"),
    path("stock/<int:pk>/safety/", views.SafetyStockEdit.as_view(), name="safety_stock_edit"),
    path("movements/", views.MovementList.as_view(), name="movement_list"),
    path("movements/receipt/", views.ReceiptCreate.as_view(), name="receipt_create"),
    path("demand/", views.DemandList.as_view(), name="demand_list"),
    path("demand/new/", views.DemandCreate.as_view(), name="demand_create"),
    path("stock-checks/", views.StockCheckList.as_view(), name="stock_check_list"),
    path("stock-checks/new/", views.StockCheckCreate.as_view(), name="stock_check_create"),
    path("stock-checks/<int:pk>/", views.StockCheckDetail.as_view(), name="stock_check_detail"),
]
