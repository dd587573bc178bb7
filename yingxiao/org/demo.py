"""Demo regions (with two 片区 in 华东), departments and warehouses."""

from .choices import WarehouseKind
from .models import Department, Region, Warehouse
from .services import department_create, region_create, warehouse_create

REGIONS = [("east", "华东"), ("north", "华北"), ("south", "华南"), ("west", "西南")]
DISTRICTS = [("east-sh", "上海片区", "east"), ("east-zj", "浙江片区", "east")]
DEPARTMENTS = [
    ("market", "市场部"),
    ("sales", "营销部"),
    ("finance", "财务部"),
    ("warehouse", "仓储部"),
    ("service", "客服部"),
    ("quality", "质量部"),
    ("tech", "技术部"),
]
WAREHOUSES = [
    ("WH-HQ1", "总部一号仓（苏州）", WarehouseKind.HQ, None, "江苏省苏州市工业园区星湖街 88 号"),
    ("WH-HQ2", "总部二号仓（武汉）", WarehouseKind.HQ, None, "湖北省武汉市东西湖区金山大道 16 号"),
    ("WH-E", "华东区域仓", WarehouseKind.REGIONAL, "east", "上海市闵行区莘庄工业区春东路 500 号"),
    ("WH-N", "华北区域仓", WarehouseKind.REGIONAL, "north", "北京市大兴区经济开发区金苑路 12 号"),
    ("WH-S", "华南区域仓", WarehouseKind.REGIONAL, "south", "广州市黄埔区科学城开创大道 210 号"),
    ("WH-W", "西南区域仓", WarehouseKind.REGIONAL, "west", "成都市双流区西航港大道 66 号"),
]


def load(admin) -> None:
    """Create what is missing; existing codes are left as they are."""
    for code, name in REGIONS:
        if not Region.objects.filter(code=code).exists():
            region_create(actor=admin, code=code, name=name)
    for code, name, parent in DISTRICTS:
        if not Region.objects.filter(code=code).exists():
            region_create(actor=admin, code=code, name=name, parent=Region.objects.get(code=parent))
    for code, name in DEPARTMENTS:
        if not Department.objects.filter(code=code).exists():
            department_create(actor=admin, code=code, name=name)
    for code, name, kind, region, address in WAREHOUSES:
        if not Warehouse.objects.filter(code=code).exists():
            warehouse_create(
                actor=admin,
                code=code,
                name=name,
                kind=kind,
                address=address,
                region=Region.objects.get(code=region) if region else None,
            )
