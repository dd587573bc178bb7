"""API routes of the sales app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .collection import AgingView, CollectionTaskViewSet
from .statistics import SalesStatisticsView
from .views import DeliveryViewSet, InvoiceViewSet, PaymentViewSet, SalesLineViewSet, SalesOrderViewSet

router = SimpleRouter()
router.register("sales-orders", SalesOrderViewSet, basename="sales-order")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("sales-lines", SalesLineViewSet, basename="sales-line")
router.register("collection-tasks", CollectionTaskViewSet, basename="collection-task")
urlpatterns = [
    path("receivables/aging/", AgingView.as_view(), name="receivables-aging"),
    path("reports/sales-statistics/", SalesStatisticsView.as_view(), name="sales-statistics"),
    *router.urls,
]
