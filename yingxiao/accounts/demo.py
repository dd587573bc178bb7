"""Demo staff: one login per role, a rep and a manager per region (all with the demo password)."""

from yingxiao.org.models import Region

from .choices import Role
from .models import User
from .services import membership_grant, user_create

STAFF = [
    # username, full name, role
    ("president", "周振华", Role.PRESIDENT),
    ("director", "林国栋", Role.MARKETING_DIRECTOR),
    ("market_manager", "陈雅琴", Role.MARKET_MANAGER),
    ("assistant", "赵晓雯", Role.MARKETING_ASSISTANT),
    ("marketer", "孙浩然", Role.MARKETING_STAFF),
    ("finance", "钱丽萍", Role.FINANCE),
    ("warehouse", "吴建军", Role.WAREHOUSE),
    ("service", "郑美玲", Role.CUSTOMER_SERVICE),
    ("quality", "冯志强", Role.QUALITY),
    ("tech", "何俊杰", Role.TECHNICAL_SUPPORT),
]

REGIONAL = {
    # region: (rep name, manager name)
    "east": ("王磊", "李静"),
    "north": ("张伟", "刘洋"),
    "south": ("黄晓明", "杨帆"),
    "west": ("罗成", "谢婷"),
}

DEMO_PASSWORD = "yingxiao-demo"


def ensure_user(username: str, full_name: str, *, actor=None) -> User:
    """The demo user with this name, created with the demo password when missing."""
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return user_create(
        actor=actor,
        username=username,
        password=DEMO_PASSWORD,
        full_name=full_name,
        email=f"{username}@demo.yingxiao.local",
    )


def ensure_admin() -> User:
    """The `admin` superuser with the admin role; every other demo record is created by it."""
    admin = ensure_user("admin", "系统管理员")
    if not admin.is_superuser:
        User.objects.filter(pk=admin.pk).update(is_superuser=True, is_staff=True)
        admin.refresh_from_db()
    membership_grant(actor=None, user=admin, role=Role.ADMIN)
    return admin


def load(admin: User) -> None:
    """Company-wide staff, then a rep and a manager for each region."""
    for username, full_name, role in STAFF:
        user = ensure_user(username, full_name, actor=admin)
        membership_grant(actor=admin, user=user, role=role)
    for code, (rep_name, manager_name) in REGIONAL.items():
        region = Region.objects.get(code=code)
        rep = ensure_user(f"rep_{code}", rep_name, actor=admin)
        membership_grant(actor=admin, user=rep, role=Role.REGIONAL_REP, region=region)
        manager = ensure_user(f"manager_{code}", manager_name, actor=admin)
        membership_grant(actor=admin, user=manager, role=Role.REGIONAL_MANAGER, region=region)
