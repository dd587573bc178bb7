"""API routes of the rebates app."""

from rest_framework.routers import SimpleRouter

from .views import RebatePolicyViewSet, RebateRunViewSet, StatementViewSet

router = SimpleRouter()
router.register("rebate-policies", RebatePolicyViewSet, basename="rebate-policy")
router.register("rebate-runs", RebateRunViewSet, basename="rebate-run")
router.register("rebate-statements", StatementViewSet, basename="rebate-statement")
urlpatterns = router.urls
