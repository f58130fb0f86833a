"""Demo key tasks: eight tasks for demo departments and townships, some overdue, some with progress; and
the winter campaign (冬季攻坚行动) under way, with the office's targets."""

import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from wagewatch.accounts.models import Department, Township

from . import keytasks
from .campaigns import campaign_save
from .models import Campaign, CampaignTarget, KeyTask, TaskAssignment, TaskProgress

# title, source, days from today to the deadline, lead person, department codes, township codes
TASKS = [
    ("开展春节前根治欠薪冬季专项行动", "superior", -20, "张副县长", ["ZJ", "JT", "SL", "RS"], []),
    ("在建工程项目工资专用账户开户情况全面排查", "joint_meeting", -5, "王主任", ["ZJ", "JT"], []),
    ("落实农民工实名制管理“一人一卡”", "joint_meeting", 2, "王主任", ["ZJ"], ["CG", "DJ"]),
    ("政府投资项目拖欠工程款清理", "leader", 10, "李局长", ["FG", "ZJ"], []),
    ("维权信息告示牌设置情况督查", "office", 25, "陈干事", [], ["CG", "XH", "NS"]),
    ("工资保证金差异化缴存政策宣传", "office", 40, "陈干事", ["RS"], ["BP", "QS"]),
    ("欠薪隐患项目挂牌督办销号", "joint_meeting", 1, "王主任", ["JT", "SL"], ["NS"]),
    ("涉嫌拒不支付劳动报酬案件移送衔接", "superior", 30, "赵队长", ["GA", "RS"], []),
]
# (task index, unit code, days ago, text, office action: None / "accept" / "return")
PROGRESS = [
    (0, "ZJ", 25, "已组织全县在建房建项目开展自查，覆盖项目46个。", "accept"),
    (0, "JT", 22, "交通项目排查完成，发现问题2个，已督促整改。", "accept"),
    (0, "SL", 18, "水利项目排查进行中。", None),
    (1, "ZJ", 8, "已排查项目31个，未开户3个，已下达整改通知。", "return"),
    (2, "CG", 3, "城关镇辖区项目已完成实名制录入核查。", None),
    (3, "FG", 4, "已梳理政府投资项目拖欠清单，涉及金额待核实。", None),
    (6, "NS", 2, "南山乡隐患项目已约谈施工总包单位。", None),
]


def seed(*, stdout) -> None:
    today = timezone.localdate()
    office = User.objects.filter(username="office").first()
    depts = {d.code: d for d in Department.objects.all()}
    towns = {t.code: t for t in Township.objects.all()}
    tasks = [_task(row, today, office, depts, towns) for row in TASKS]
    for index, code, days_ago, text, action in PROGRESS:
        _progress(tasks[index], code, today - datetime.timedelta(days=days_ago), text, action, office)
    stdout.write(f"  key tasks {KeyTask.objects.count()}, progress reports {TaskProgress.objects.count()}")
    if office is not None:
        _campaign(today, office)
        stdout.write(f"  campaigns {Campaign.objects.count()}")


# the winter campaign: from 15 November to the Spring Festival's eve; targets as the office sets them
CAMPAIGN_TARGETS: dict[str, Decimal | None] = {
    CampaignTarget.Figure.HAZARDS_CLOSED: Decimal(20),
    CampaignTarget.Figure.CASES_CLOSED: Decimal(15),
    CampaignTarget.Figure.RECOVERED: Decimal(50),
    CampaignTarget.Figure.WORKERS: Decimal(200),
    CampaignTarget.Figure.PROJECTS_INSPECTED: Decimal(30),
}


def _campaign(today: datetime.date, office: User) -> None:
    year = today.year if today.month >= 11 else today.year - 1
    name = f"{year}—{year + 1}年度根治欠薪冬季攻坚行动"
    if Campaign.objects.filter(name=name).exists():
        return
    fields = {
        "name": name,
        "start": datetime.date(year, 11, 15),
        "end": datetime.date(year + 1, 2, 16),
        "description": "全面排查在建工程项目欠薪隐患，确保农民工工资春节前应付尽付。",
    }
    campaign_save(user=office, campaign=None, fields=fields, targets=CAMPAIGN_TARGETS)


def _task(row, today, office, depts, towns) -> KeyTask:
    title, source, days, lead, dept_codes, town_codes = row
    task, _created = KeyTask.objects.update_or_create(
        title=title,
        defaults={
            "source": source,
            "deadline": today + datetime.timedelta(days=days),
            "lead_person": lead,
            "created_by": office,
            "description": f"{title}，按期报送进展情况。",
        },
    )
    for code in dept_codes:
        if code in depts:
            TaskAssignment.objects.get_or_create(task=task, department=depts[code])
    for code in town_codes:
        if code in towns:
            TaskAssignment.objects.get_or_create(task=task, township=towns[code])
    return task


def _progress(task, code, on, text, action, office) -> None:
    assignment = (
        task.assignments.filter(department__code=code).first()
        or task.assignments.filter(township__code=code).first()
    )
    if assignment is None:
        return
    _p, created = TaskProgress.objects.get_or_create(assignment=assignment, text=text, defaults={"on": on})
    if not created:
        return
    status = {"accept": "accepted", "return": "returned", None: "reported"}[action]
    note = {"accept": "材料齐全，同意办结。", "return": "请补充整改佐证材料。", None: ""}[action]
    TaskAssignment.objects.filter(pk=assignment.pk).update(
        status=status, review_note=note, reviewed_by=office if action else None,
        reviewed_at=timezone.now() if action else None,
    )  # fmt: skip
    keytasks.task_sync_status(task=task, user=office)
