"""The demo's after-sales data: cases in every state of both flows, goods back in a quarantine warehouse."""

import pytest
from django.conf import settings

from yingxiao.aftersales.choices import ExchangeStatus, ReturnStatus
from yingxiao.aftersales.models import ExchangeCase, ReturnCase
from yingxiao.org.choices import WarehouseKind
from yingxiao.org.models import Warehouse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("model", "states"), [(ExchangeCase, ExchangeStatus), (ReturnCase, ReturnStatus)])
def test_the_demo_has_cases_in_every_state(model, states):
    assert set(model.objects.values_list("status", flat=True)) == set(states.values)


def test_the_demo_quarantine_warehouse_is_of_the_quarantine_kind():
    quarantine = Warehouse.objects.get(code=settings.AFTERSALES_QUARANTINE_WAREHOUSE)
    assert quarantine.kind == WarehouseKind.QUARANTINE and quarantine.region_id is None
    assert ExchangeCase.objects.filter(quarantine_warehouse=quarantine).exists()
