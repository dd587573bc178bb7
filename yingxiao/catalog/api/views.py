"""`/api/v1/products/`."""

from yingxiao.core.api import MasterDataViewSet

from .. import selectors, services
from ..forms import ProductFilter
from .serializers import ProductSerializer


class ProductViewSet(MasterDataViewSet):
    """The catalogue; administrators create and update."""

    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    selector = staticmethod(selectors.products_for)
    create_service = staticmethod(services.product_create)
    update_service = staticmethod(services.product_update)
    update_kwarg = "product"
