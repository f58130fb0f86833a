"""The main menu. Entries point at URL names; an entry whose app has not landed yet is left out. The labels
have their own "menu" context, so the English menu can be shorter than the same words elsewhere; the entries
in MORE sit in the menu's "More" drop-down, so that the menu keeps to one line on a 1366 px screen."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

from .models import Role

ALL = (Role.ADMIN, Role.OFFICE, Role.INSPECTOR, Role.DEPARTMENT)
FIELD = (Role.ADMIN, Role.OFFICE, Role.INSPECTOR)
OFFICE = (Role.ADMIN, Role.OFFICE)

MENU = [
    (pgettext_lazy("menu", "工作台"), "dashboard", ALL),
    (pgettext_lazy("menu", "在建项目"), "projects:list", ALL),
    (pgettext_lazy("menu", "投诉案件"), "complaints:list", FIELD),
    (pgettext_lazy("menu", "执法文书"), "complaints:orders", FIELD),
    (pgettext_lazy("menu", "用人单位检查"), "projects:inspection_list", ALL),
    (pgettext_lazy("menu", "工资保证金"), "deposits:list", ALL),
    (pgettext_lazy("menu", "欠薪隐患"), "risk:hazards", ALL),
    (pgettext_lazy("menu", "欠薪台账"), "wages:arrears", ALL),
    (pgettext_lazy("menu", "失信名单"), "blacklist:list", FIELD),
    (pgettext_lazy("menu", "重点任务"), "reports:tasks", ALL),
    (pgettext_lazy("menu", "统计报表"), "reports:index", ALL),
    (pgettext_lazy("menu", "专项行动"), "reports:campaigns", ALL),
    (pgettext_lazy("menu", "系统管理"), "admin:index", (Role.ADMIN,)),
]
MORE = {"projects:inspection_list", "reports:tasks", "reports:campaigns", "admin:index"}


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
        items.append({"label": label, "url": url, "active": active, "more": name in MORE})
    return items
