"""API routes of the after-sales app."""

from rest_framework.routers import SimpleRouter

from .views import ExchangeViewSet, ReturnViewSet, ServiceTicketViewSet

router = SimpleRouter()
router.register("exchanges", ExchangeViewSet, basename="exchange")
router.register("returns", ReturnViewSet, basename="return")
router.register("service-tickets", ServiceTicketViewSet, basename="service-ticket")
urlpatterns = router.urls
