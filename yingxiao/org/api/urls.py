"""API routes of the org app."""

from rest_framework.routers import SimpleRouter

from .views import RegionViewSet, WarehouseViewSet

router = SimpleRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("warehouses", WarehouseViewSet, basename="warehouse")
urlpatterns = router.urls
