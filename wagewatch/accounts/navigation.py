"""The main menu. Entries point at URL names; an entry whose app has not landed yet is left out."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

ALL = (Role.ADMIN, Role.OFFICE, Role.INSPECTOR, Role.DEPARTMENT)
FIELD = (Role.ADMIN, Role.OFFICE, Role.INSPECTOR)
OFFICE = (Role.ADMIN, Role.OFFICE)

MENU = [
    (_("工作台"), "dashboard", ALL),
    (_("在建项目"), "projects:list", ALL),
    (_("投诉案件"), "complaints:list", FIELD),
    (_("执法文书"), "complaints:orders", FIELD),
    (_("用人单位检查"), "projects:inspection_list", ALL),
    (_("工资保证金"), "deposits:list", ALL),
    (_("欠薪隐患"), "risk:hazards", ALL),
    (_("欠薪台账"), "wages:arrears", ALL),
    (_("失信名单"), "blacklist:list", FIELD),
    (_("重点任务"), "reports:tasks", ALL),
    (_("统计报表"), "reports:index", ALL),
    (_("系统管理"), "admin:index", (Role.ADMIN,)),
]


def menu_for(role: str | None, current_path: str) -> list[dict]:
    """Menu entries this role may use, with the current one marked."""
    items = []
    for label, name, roles in MENU:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = current_path.startswith(url) if url != "/" else current_path == "/"
        items.append({"label": label, "url": url, "active": active})
    return items
