"""Sales pages."""

from django.urls import path

from . import views, views_collection, views_import, views_statistics

app_name = "sales"
urlpatterns = [
    path("orders/", views.OrderList.as_view(), name="order_list"),
    path("orders/new/", views.OrderCreate.as_view(), name="order_create"),
    path("orders/<int:pk>/", views.OrderDetail.as_view(), name="order_detail"),
    path("orders/<int:pk>/edit/", views.OrderEdit.as_view(), name="order_edit"),
    path("deliveries/", views.DeliveryList.as_view(), name="delivery_list"),
    path("invoices/", views.InvoiceList.as_view(), name="invoice_list"),
    path("payments/", views.PaymentList.as_view(), name="payment_list"),
    path("payments/new/", views.PaymentCreate.as_view(), name="payment_create"),
    path("ledger/", views.SalesLineList.as_view(), name="ledger"),
    path("month-closing/", views.MonthClosing.as_view(), name="month_closing"),
    path("receivables/aging/", views_collection.AgingPage.as_view(), name="aging"),
    path("collection/", views_collection.CollectionTaskList.as_view(), name="collection_task_list"),
    path(
        "collection/<int:pk>/", views_collection.CollectionTaskDetail.as_view(), name="collection_task_detail"
    ),
    path("statistics/", views_statistics.StatisticsPage.as_view(), name="statistics"),
    path("statistics/pdf/", views_statistics.StatisticsReportPdf.as_view(), name="statistics_pdf"),
    *views_import.urlpatterns,
]
