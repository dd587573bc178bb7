"""After-sales pages."""

from django.urls import path

from . import views, views_quality

app_name = "aftersales"
urlpatterns = [
    path("exchanges/", views.ExchangeList.as_view(), name="exchange_list"),
    path("exchanges/new/", views.ExchangeCreate.as_view(), name="exchange_create"),
    path("exchanges/<int:pk>/", views.ExchangeDetail.as_view(), name="exchange_detail"),
    path("exchanges/<int:pk>/edit/", views.ExchangeEdit.as_view(), name="exchange_edit"),
    path("exchanges/<int:pk>/pdf/", views.ExchangePdf.as_view(), name="exchange_pdf"),
    path("returns/", views.ReturnList.as_view(), name="return_list"),
    path("returns/new/", views.ReturnCreate.as_view(), name="return_create"),
    path("returns/<int:pk>/", views.ReturnDetail.as_view(), name="return_detail"),
    path("returns/<int:pk>/edit/", views.ReturnEdit.as_view(), name="return_edit"),
    path("returns/<int:pk>/pdf/", views.ReturnPdf.as_view(), name="return_pdf"),
    path("service-tickets/", views.TicketList.as_view(), name="ticket_list"),
    path("service-tickets/new/", views.TicketCreate.as_view(), name="ticket_create"),
    path("service-tickets/<int:pk>/", views.TicketDetail.as_view(), name="ticket_detail"),
    path("quality-report/", views_quality.QualityReport.as_view(), name="quality_report"),
]
