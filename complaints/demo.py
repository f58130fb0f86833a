"""Demo county: ~40 complaint cases across channels and states on the demo projects (idempotent)."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from projects.models import Project
from wagewatch.lib.fields import keyed_hash
from wagewatch.lib.workdays import add_workdays_info

from . import enforcement, services, typical
from .models import CaseEvent, Complaint, EnforcementOrder, Interview, TypicalCase

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
CHANNELS = Complaint.Channel.values
KINDS = [Complaint.Kind.COMPLAINT] * 3 + [Complaint.Kind.REPORT, Complaint.Kind.PETITION]
# cases against employers outside construction (no project): (respondent, sector)
OUTSIDE = ["城关镇好味道餐馆", "县宏达服装厂", "县惠民超市"]
COUNT = 40


def seed(*, stdout) -> None:
    projects = list(Project.objects.select_related("contractor", "township").order_by("code")[:20])
    if not projects:
        stdout.write("  complaints: no demo projects, skipped")
        return
    rng = random.Random(2026)
    today = timezone.localdate()
    for i in range(COUNT):
        _case(i, rng, projects[i % len(projects)], today)
    stdout.write(f"  complaints {Complaint.objects.filter(number__startswith='TSDEMO').count()}")
    _documents(projects, today, stdout)
    _typical_cases(today, stdout)


# (days before today the deadline falls; complied?) — negative days: not yet due
RECTIFY_PLAN = [(20, False), (8, False), (2, True), (-2, False), (-10, False), (-25, False)]
RECTIFY_ITEMS = [
    "未按规定开设农民工工资专用账户",
    "未按月足额拨付人工费用至专用账户",
    "未按规定设置维权信息告示牌",
    "未落实农民工实名制管理，考勤记录不全",
    "未由总包单位代发农民工工资",
    "未按规定存储工资保证金",
]


def _documents(projects: list[Project], today: datetime.date, stdout) -> None:
    """~6 rectification orders (two overdue) and ~6 interviews, found again by their marked text."""
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        stdout.write("  enforcement documents: no demo office user, skipped")
        return
    for i, (days, complied) in enumerate(RECTIFY_PLAN):
        _rectify_order(i, projects[(i * 3) % len(projects)], office, today, days, complied)
    for i in range(6):
        _interview(i, projects[(i * 3 + 1) % len(projects)], office, today)
    stdout.write(
        f"  rectification orders {EnforcementOrder.objects.filter(requirement__startswith=MARK).count()}, "
        f"interviews {Interview.objects.filter(agreed__startswith=MARK).count()}"
    )


MARK = "（演示）"


def _rectify_order(i, project, office, today, days, complied) -> None:
    text = f"{MARK}{RECTIFY_ITEMS[i]}，限期整改到位。"
    if EnforcementOrder.objects.filter(requirement=text).exists():
        return
    deadline = today - datetime.timedelta(days=days)
    issued = min(today, deadline - datetime.timedelta(days=15))
    order = services.order_create(
        kind=EnforcementOrder.Kind.RECTIFY,
        enterprise=project.contractor,
        project=project,
        deadline=deadline,
        requirement=text,
        legal_basis="《保障农民工工资支付条例》第五十五条",
        user=office,
        issued_on=issued,
        served_on=min(today, issued + datetime.timedelta(days=1)),
    )
    if complied:
        services.order_comply(order=order, on=deadline - datetime.timedelta(days=1), user=office)


def _interview(i, project, office, today) -> None:
    agreed = f"{MARK}{project.contractor.name}承诺于期限内结清拖欠工资并完成整改（第{i + 1}次约谈）。"
    if Interview.objects.filter(agreed=agreed).exists():
        return
    held = today - datetime.timedelta(days=10 + i * 12)
    enforcement.interview_create(
        user=office,
        enterprise=project.contractor,
        interviewee_name=SURNAMES[i] + "经理",
        interviewee_position="项目经理",
        held_on=held,
        place="县人社局三楼会议室",
        reason="项目存在拖欠农民工工资隐患，群众反映强烈。",
        agreed=agreed,
        deadline=held + datetime.timedelta(days=15),
        project=project,
    )
    if i % 2:
        Interview.objects.filter(agreed=agreed).update(fulfilled_on=held + datetime.timedelta(days=10))


TYPICAL_SUMMARY = (
    "{d}，县劳动保障监察大队接到{n}名农民工反映，{e}承建的项目拖欠其工资。经调查核实，监察大队向该单位"
    "下达责令限期支付工资文书，并约谈项目负责人。该单位在期限内通过农民工工资专用账户足额支付拖欠工资"
    "{a}元，案件于{c}办结。提醒：用人单位应按月足额支付农民工工资，拒不支付的将依法列入失信联合惩戒名单。"
)


def _typical_cases(today: datetime.date, stdout) -> None:
    """Two closed demo cases published as typical cases (idempotent: a case is published once)."""
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        stdout.write("  typical cases: no demo office user, skipped")
        return
    closed = Complaint.objects.filter(
        number__startswith="TSDEMO", status=Complaint.Status.CLOSED, amount_recovered__gt=0
    ).order_by("number")
    for case in closed.filter(typical_case__isnull=True)[: max(0, 2 - _typical_count())]:
        assert case.closed_on is not None  # a closed case has its date (a database constraint)
        text = TYPICAL_SUMMARY.format(
            d=f"{timezone.localdate(case.received_at):%Y年%-m月%-d日}",
            n=case.workers_paid,
            e=case.respondent_name,
            a=case.amount_recovered,
            c=f"{case.closed_on:%Y年%-m月%-d日}",
        )
        typical.typical_case_publish(
            complaint=case,
            user=office,
            title=f"{case.respondent_name}拖欠农民工工资案",
            summary=text,
            enterprise_name=case.respondent_name,
            amount_recovered=case.amount_recovered,
            workers_paid=case.workers_paid,
            published_on=min(today, case.closed_on + datetime.timedelta(days=3)),
        )
    stdout.write(f"  typical cases {_typical_count()}")


def _typical_count() -> int:
    return TypicalCase.objects.filter(complaint__number__startswith="TSDEMO").count()


def _case(i: int, rng: random.Random, project: Project, today: datetime.date) -> None:
    received = today - datetime.timedelta(days=5 + i * 6)
    received_at = timezone.make_aware(datetime.datetime.combine(received, datetime.time(9, 30)))
    # group incidents (≥10 workers) on two projects only, so most contractors keep a clean grade
    workers = (26 if i % 20 else 60) if i % 10 == 0 else rng.choice([1, 2, 3, 4, 5, 6, 8])
    state = ["received", "accepted", "filed", "closed", "closed", "closed", "refused"][i % 7]
    accept_due, complete = add_workdays_info(received, 5)
    phone = f"139{rng.randint(10000000, 99999999)}"
    values = {
        "channel": CHANNELS[i % len(CHANNELS)],
        "kind": KINDS[i % len(KINDS)],
        "sector": Complaint.Sector.CONSTRUCTION,
        "received_at": received_at,
        "complainant_name": rng.choice(SURNAMES) + rng.choice(["建国", "小二", "德明", "桂兰", "永强"]),
        "complainant_phone": phone,
        "complainant_phone_hash": keyed_hash(phone),
        "respondent": project.contractor,
        "respondent_name": project.contractor.name,
        "project": project,
        "township": project.township,
        "workers_involved": workers,
        "amount_claimed": Decimal(workers * rng.randint(3000, 12000)),
        "description": "反映项目拖欠农民工工资，多次讨要未果。",
        # the size suggests it, the inspector decides: case 30 (26 workers) is left for him to confirm
        "group_incident": workers >= 10 and i != 30,
        "accept_due": accept_due,
        "calendar_complete": complete,
        "status": state,
        "supervised": i % 11 == 0,
        "leader": "县人社局局长" if i % 13 == 0 else "",
    }
    if i % 9 == 4:  # a restaurant, a factory, a shop: no project, 非建设领域
        name = OUTSIDE[(i // 9) % len(OUTSIDE)]
        values.update(respondent=None, respondent_name=name, project=None, sector=Complaint.Sector.OTHER)
    values.update(_state_fields(state, received, values["amount_claimed"], workers))
    if values.get("outcome") == "mediated" and i % 4 == 1:
        values["outcome"] = "department" if i % 8 == 1 else "arbitration"
    case, created = Complaint.objects.update_or_create(
        number=f"TSDEMO{received.year}-{i + 1:04d}", defaults=values
    )
    if created:
        CaseEvent.objects.create(complaint=case, at=received_at, action="received")
        if state != "received":
            CaseEvent.objects.create(complaint=case, at=received_at, action=state)


def _state_fields(state, received, claimed, workers) -> dict:
    if state in ("received",):
        return {}
    if state == "refused":
        return {"outcome": "refused", "refusal_reason": "不属于劳动保障监察管辖，已告知申请仲裁。"}
    accepted = received + datetime.timedelta(days=2)
    fields = {"accepted_on": accepted}
    if state in ("filed", "closed"):
        close_due, _complete = add_workdays_info(accepted, 60)
        fields.update(filed_on=accepted, close_due=close_due)
    if state == "closed":
        fields.update(
            closed_on=accepted + datetime.timedelta(days=20),
            outcome="mediated" if workers < 20 else "investigated",
            amount_recovered=claimed,
            workers_paid=workers,
        )
    return fields
