"""API routes of the inventory app."""

from rest_framework.routers import SimpleRouter

from .views import (
    DemandViewSet,
    StockCheckViewSet,
    StockLevelViewSet,
    StockMovementViewSet,
    TransferRequestViewSet,
)

router = SimpleRouter()
router.register("transfer-requests", TransferRequestViewSet, basename="transfer-request")
router.register("stock-checks", StockCheckViewSet, basename="stock-check")
router.register("stock-levels", StockLevelViewSet, basename="stock-level")
router.register("stock-movements", StockMovementViewSet, basename="stock-movement")
router.register("demands", DemandViewSet, basename="demand")
urlpatterns = router.urls
