"""Demo catalogue: 30 household water and air products in 5 categories."""

from decimal import Decimal

from .models import Product, ProductCategory
from .services import category_create, product_create

CATEGORIES = [
    ("water", "净水设备"),
    ("air", "空气净化"),
    ("kitchen", "厨房电器"),
    ("filter", "滤芯耗材"),
    ("smart", "智能家居"),
]

PRODUCTS = [
    # code, name, category, specification, unit, list price
    ("W-100", "恒清反渗透净水器 RO-400", "water", "400G 直饮", "台", "2599.00"),
    ("W-101", "恒清反渗透净水器 RO-600", "water", "600G 大通量", "台", "3299.00"),
    ("W-102", "恒清厨下超滤净水器 UF-2", "water", "2 级超滤", "台", "899.00"),
    ("W-103", "恒清前置过滤器 PF-40", "water", "40 微米反冲洗", "台", "699.00"),
    ("W-104", "恒清中央净水机 CW-3T", "water", "3 吨/小时", "台", "6999.00"),
    ("W-105", "恒清台式即热净饮机 T1", "water", "免安装 4 档水温", "台", "1899.00"),
    ("A-200", "清风空气净化器 KJ500", "air", "CADR 500", "台", "2299.00"),
    ("A-201", "清风空气净化器 KJ800", "air", "CADR 800", "台", "3599.00"),
    ("A-202", "清风新风系统 XF-250", "air", "250m³/h 全热交换", "套", "8999.00"),
    ("A-203", "清风除湿机 CS-30", "air", "30L/天", "台", "1699.00"),
    ("A-204", "清风加湿器 JS-5", "air", "5L 无雾", "台", "599.00"),
    ("A-205", "清风车载净化器 C1", "air", "车载 USB", "台", "299.00"),
    ("K-300", "厨宝燃气热水器 16L", "kitchen", "16L 零冷水", "台", "3299.00"),
    ("K-301", "厨宝电热水器 60L", "kitchen", "60L 一级能效", "台", "1599.00"),
    ("K-302", "厨宝洗碗机 D13", "kitchen", "13 套嵌入式", "台", "4599.00"),
    ("K-303", "厨宝软水机 RS-2", "kitchen", "2T 树脂", "台", "3999.00"),
    ("K-304", "厨宝管线机 GX-1", "kitchen", "壁挂 3 秒速热", "台", "899.00"),
    ("K-305", "厨宝垃圾处理器 LJ-5", "kitchen", "550W", "台", "1299.00"),
    ("F-400", "RO 反渗透滤芯 400G", "filter", "适配 RO-400", "支", "399.00"),
    ("F-401", "RO 反渗透滤芯 600G", "filter", "适配 RO-600", "支", "499.00"),
    ("F-402", "PP 棉复合滤芯", "filter", "适配全系", "支", "129.00"),
    ("F-403", "活性炭后置滤芯", "filter", "适配全系", "支", "99.00"),
    ("F-404", "HEPA 净化滤网 KJ500", "filter", "H13 级", "片", "259.00"),
    ("F-405", "HEPA 净化滤网 KJ800", "filter", "H13 级", "片", "329.00"),
    ("S-500", "智能水质检测笔 TDS", "smart", "蓝牙", "支", "59.00"),
    ("S-501", "智能漏水传感器", "smart", "Zigbee", "个", "89.00"),
    ("S-502", "智能空气质量监测仪", "smart", "PM2.5/甲醛/CO2", "台", "399.00"),
    ("S-503", "智能网关 G2", "smart", "Wi-Fi + Zigbee", "台", "199.00"),
    ("S-504", "智能温湿度计", "smart", "墨水屏", "个", "69.00"),
    ("S-505", "智能阀门控制器", "smart", "DN15-DN25", "个", "259.00", False),
]


def load(admin) -> None:
    """Create what is missing; existing codes are left as they are."""
    for code, name in CATEGORIES:
        if not ProductCategory.objects.filter(code=code).exists():
            category_create(actor=admin, code=code, name=name)
    for code, name, category, spec, unit, price, *rest in PRODUCTS:
        if not Product.objects.filter(code=code).exists():
            product_create(
                actor=admin,
                code=code,
                name=name,
                specification=spec,
                unit=unit,
                category=ProductCategory.objects.get(code=category),
                list_price=Decimal(price),
                active=rest[0] if rest else True,
            )
