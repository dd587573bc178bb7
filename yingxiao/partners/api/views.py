"""`/api/v1/distributors/` and `/api/v1/customers/`, scoped like the pages."""

from yingxiao.core.api import MasterDataViewSet

from .. import selectors, services
from ..forms import CustomerFilter, DistributorFilter
from .serializers import CustomerSerializer, DistributorSerializer


class DistributorViewSet(MasterDataViewSet):
    """Distributors the caller may see; administrators create and update."""

    serializer_class = DistributorSerializer
    filterset_class = DistributorFilter
    selector = staticmethod(selectors.distributors_for)
    create_service = staticmethod(services.distributor_create)
    update_service = staticmethod(services.distributor_update)
    update_kwarg = "distributor"


class CustomerViewSet(MasterDataViewSet):
    """Customers the caller may see; administrators create and update."""

    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    selector = staticmethod(selectors.customers_for)
    create_service = staticmethod(services.customer_create)
    update_service = staticmethod(services.customer_update)
    update_kwarg = "customer"
