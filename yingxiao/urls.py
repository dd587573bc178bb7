"""Top-level routes: pages per app, the API under /api/v1/, Django admin for superusers."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from yingxiao.accounts.api import urls as accounts_api
from yingxiao.aftersales.api import urls as aftersales_api
from yingxiao.catalog.api import urls as catalog_api
from yingxiao.inventory.api import urls as inventory_api
from yingxiao.org.api import urls as org_api
from yingxiao.partners.api import urls as partners_api
from yingxiao.rebates.api import urls as rebates_api
from yingxiao.sales.api import urls as sales_api
from yingxiao.workflow.api import urls as workflow_api

api_v1 = [
    path("", include(accounts_api)),
    path("", include(org_api)),
    path("", include(catalog_api)),
    path("", include(partners_api)),
    path("", include(workflow_api)),
    path("", include(inventory_api)),
    path("", include(sales_api)),
    path("", include(aftersales_api)),
    path("", include(rebates_api)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", include("yingxiao.core.urls")),
    path("accounts/", include("yingxiao.accounts.urls")),
    path("org/", include("yingxiao.org.urls")),
    path("catalog/", include("yingxiao.catalog.urls")),
    path("partners/", include("yingxiao.partners.urls")),
    path("workflow/", include("yingxiao.workflow.urls")),
    path("inventory/", include("yingxiao.inventory.urls")),
    path("sales/", include("yingxiao.sales.urls")),
    path("aftersales/", include("yingxiao.aftersales.urls")),
    path("rebates/", include("yingxiao.rebates.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
