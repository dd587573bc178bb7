"""`/api/v1/regions/` and `/api/v1/warehouses/`."""

from yingxiao.core.api import MasterDataViewSet

from .. import selectors, services
from ..forms import RegionFilter, WarehouseFilter
from .serializers import RegionSerializer, WarehouseSerializer


class RegionViewSet(MasterDataViewSet):
    """Regions the caller may see; administrators create and update."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    selector = staticmethod(selectors.regions_for)
    create_service = staticmethod(services.region_create)
    update_service = staticmethod(services.region_update)
    update_kwarg = "region"


class WarehouseViewSet(MasterDataViewSet):
    """Warehouses (staff only); administrators create and update."""

    serializer_class = WarehouseSerializer
    filterset_class = WarehouseFilter
    selector = staticmethod(selectors.warehouses_for)
    create_service = staticmethod(services.warehouse_create)
    update_service = staticmethod(services.warehouse_update)
    update_kwarg = "warehouse"
