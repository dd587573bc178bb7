"""API routes of the sales app."""

from rest_framework.routers import SimpleRouter

from .views import DeliveryViewSet, InvoiceViewSet, PaymentViewSet, SalesLineViewSet, SalesOrderViewSet

router = SimpleRouter()
router.register("sales-orders", SalesOrderViewSet, basename="sales-order")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("sales-lines", SalesLineViewSet, basename="sales-line")
urlpatterns = router.urls
