"""Demo distributors (10 per region), direct customers, and a portal login per region's first distributor."""

from decimal import Decimal

from yingxiao.accounts.choices import Role
from yingxiao.accounts.demo import ensure_user
from yingxiao.accounts.models import User
from yingxiao.accounts.services import membership_grant
from yingxiao.org.models import Region

from .choices import DistributorGrade as G
from .choices import DistributorStatus as S
from .models import Customer, Distributor
from .services import customer_create, distributor_create

DISTRIBUTORS = {
    # region: [(name, grade, credit limit in 万元, status, contact, city district or None)]
    "east": [
        ("上海恒信商贸有限公司", G.A, 80, S.ACTIVE, "王建国", "east-sh"),
        ("杭州清源环保科技有限公司", G.A, 60, S.ACTIVE, "陈立新", "east-zj"),
        ("南京金桥家电有限公司", G.B, 40, S.ACTIVE, "徐海峰", None),
        ("苏州润泽水处理设备有限公司", G.B, 35, S.ACTIVE, "朱文斌", None),
        ("宁波海天电器销售有限公司", G.B, 30, S.ACTIVE, "邵丽华", "east-zj"),
        ("合肥安康净水工程有限公司", G.C, 15, S.ACTIVE, "方志远", None),
        ("无锡锦程商贸有限公司", G.C, 12, S.SUSPENDED, "钱伟", None),
        ("温州瑞丰电器有限公司", G.C, 10, S.CANDIDATE, "林晓东", "east-zj"),
        ("上海浦江智能家居有限公司", G.B, 25, S.CANDIDATE, "顾敏", "east-sh"),
        ("常州新华家电连锁有限公司", G.C, 8, S.TERMINATED, "蒋勇", None),
    ],
    "north": [
        ("北京恒信科贸有限公司", G.A, 90, S.ACTIVE, "赵国庆", None),
        ("天津华北水务设备有限公司", G.A, 55, S.ACTIVE, "孟凡东", None),
        ("石家庄康泰电器有限公司", G.B, 30, S.ACTIVE, "高建华", None),
        ("济南泉城净水科技有限公司", G.B, 35, S.ACTIVE, "韩冬梅", None),
        ("青岛海悦家电有限公司", G.B, 40, S.ACTIVE, "于海洋", None),
        ("太原晋商电器销售有限公司", G.C, 12, S.ACTIVE, "郭永强", None),
        ("呼和浩特草原商贸有限公司", G.C, 10, S.CANDIDATE, "白玉山", None),
        ("大连滨海环境科技有限公司", G.B, 20, S.SUSPENDED, "曲明", None),
        ("保定诚信家电有限公司", G.C, 8, S.ACTIVE, "田军", None),
        ("唐山瑞祥商贸有限公司", G.C, 6, S.CANDIDATE, "马丽", None),
    ],
    "south": [
        ("广州粤海净水设备有限公司", G.A, 85, S.ACTIVE, "梁志伟", None),
        ("深圳鹏程智能科技有限公司", G.A, 70, S.ACTIVE, "黄家明", None),
        ("东莞百川电器有限公司", G.B, 35, S.ACTIVE, "陈嘉欣", None),
        ("佛山顺德厨电销售有限公司", G.B, 40, S.ACTIVE, "何永康", None),
        ("厦门鹭岛环保设备有限公司", G.B, 30, S.ACTIVE, "林志强", None),
        ("福州闽江家电有限公司", G.C, 15, S.ACTIVE, "郑海燕", None),
        ("南宁绿城商贸有限公司", G.C, 12, S.CANDIDATE, "韦小宝", None),
        ("海口椰风电器有限公司", G.C, 10, S.ACTIVE, "吴海", None),
        ("珠海横琴智能家居有限公司", G.B, 20, S.CANDIDATE, "冯晓峰", None),
        ("汕头潮汕家电有限公司", G.C, 8, S.SUSPENDED, "蔡少雄", None),
    ],
    "west": [
        ("成都天府净水科技有限公司", G.A, 75, S.ACTIVE, "李明杰", None),
        ("重庆山城电器有限公司", G.A, 65, S.ACTIVE, "刘德华", None),
        ("昆明春城环保设备有限公司", G.B, 30, S.ACTIVE, "杨丽", None),
        ("贵阳黔鑫商贸有限公司", G.B, 25, S.ACTIVE, "龙飞", None),
        ("西安古城家电有限公司", G.B, 35, S.ACTIVE, "王秦", None),
        ("绵阳科技城电器有限公司", G.C, 12, S.ACTIVE, "蒲建", None),
        ("拉萨雪域商贸有限公司", G.C, 8, S.CANDIDATE, "次仁", None),
        ("兰州金城水处理有限公司", G.C, 10, S.ACTIVE, "马国强", None),
        ("南充嘉陵家电有限公司", G.C, 6, S.TERMINATED, "邓伟", None),
        ("宜宾三江智能家居有限公司", G.C, 9, S.CANDIDATE, "宋涛", None),
    ],
}

CUSTOMERS = {
    # region: [(name, index of the serving distributor in the region's list, or None for direct)]
    "east": [
        ("上海瑞金酒店管理有限公司", None),
        ("杭州西溪湿地度假村", 1),
        ("南京鼓楼医院后勤中心", 2),
        ("苏州工业园区第一实验学校", None),
        ("宁波港集团办公中心", 4),
    ],
    "north": [
        ("北京中关村软件园物业", 0),
        ("天津滨海新区行政服务中心", None),
        ("济南趵突泉宾馆", 3),
        ("青岛海尔路写字楼群", 4),
        ("石家庄第二中学", None),
    ],
    "south": [
        ("广州白云国际会议中心", 0),
        ("深圳南山科技园物业", 1),
        ("厦门鼓浪屿酒店集团", None),
        ("佛山顺德区人民医院", 3),
        ("东莞松山湖管委会", None),
    ],
    "west": [
        ("成都天府国际机场餐饮", 0),
        ("重庆解放碑商业广场", 1),
        ("昆明滇池度假区酒店", None),
        ("西安高新区管委会", 4),
        ("贵阳观山湖区实验学校", None),
    ],
}

PHONE_PREFIX = {"east": "021", "north": "010", "south": "020", "west": "028"}


def load(admin: User) -> None:
    """Create what is missing, then a portal login `dist_<code>` for each region's first distributor."""
    for region_code, rows in DISTRIBUTORS.items():
        region = Region.objects.get(code=region_code)
        rep = User.objects.filter(username=f"rep_{region_code}").first()
        letter = region_code[0].upper()
        created = []
        for i, (name, grade, credit, status, contact, district) in enumerate(rows, start=1):
            code = f"{letter}{i:02d}"
            distributor = Distributor.objects.filter(code=code).first() or distributor_create(
                actor=admin,
                code=code,
                name=name,
                grade=grade,
                status=status,
                contact_name=contact,
                region=Region.objects.get(code=district) if district else region,
                credit_limit=Decimal(credit) * 10_000,
                rep=rep,
                contact_phone=f"{PHONE_PREFIX[region_code]}-{6000_0000 + i * 1357:08d}",
                address=f"{region.name}区 {name[:2]}市",
            )
            created.append(distributor)
        first = created[0]
        portal = ensure_user(f"dist_{first.code.lower()}", first.contact_name, actor=admin)
        membership_grant(actor=admin, user=portal, role=Role.DISTRIBUTOR, distributor=first)
        for j, (name, dist_index) in enumerate(CUSTOMERS[region_code], start=1):
            code = f"C-{letter}{j:02d}"
            if not Customer.objects.filter(code=code).exists():
                customer_create(
                    actor=admin,
                    code=code,
                    name=name,
                    region=region,
                    distributor=created[dist_index] if dist_index is not None else None,
                    contact_phone=f"{PHONE_PREFIX[region_code]}-{5000_0000 + j * 2468:08d}",
                )
