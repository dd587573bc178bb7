"""API routes of the partners app."""

from rest_framework.routers import SimpleRouter

from .views import CustomerViewSet, DistributorViewSet

router = SimpleRouter()
router.register("distributors", DistributorViewSet, basename="distributor")
router.register("customers", CustomerViewSet, basename="customer")
urlpatterns = router.urls
