"""Writes for regions, departments and warehouses (system administrators only)."""

from yingxiao.accounts.services import require_admin
from yingxiao.core.services import record_create, record_update

from .models import Department, Region, Warehouse


def region_create(*, actor, **fields) -> Region:
    """Create a region (大区) or, with a parent, a district (片区)."""
    require_admin(actor)
    return record_create(actor=actor, model=Region, data=fields)


def region_update(*, actor, region: Region, **fields) -> Region:
    """Change a region's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=region, data=fields)


def department_create(*, actor, **fields) -> Department:
    """Create a department."""
    require_admin(actor)
    return record_create(actor=actor, model=Department, data=fields)


def department_update(*, actor, department: Department, **fields) -> Department:
    """Change a department's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=department, data=fields)


def warehouse_create(*, actor, **fields) -> Warehouse:
    """Create a warehouse (a regional one needs its region)."""
    require_admin(actor)
    return record_create(actor=actor, model=Warehouse, data=fields)


def warehouse_update(*, actor, warehouse: Warehouse, **fields) -> Warehouse:
    """Change a warehouse's fields."""
    require_admin(actor)
    return record_update(actor=actor, instance=warehouse, data=fields)
