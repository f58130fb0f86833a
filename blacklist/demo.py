"""Demo county: 3 listed enterprises, 1 expired, 1 proposed; grades of the year; 2 certificates."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone
from stdnum.cn import ric

from complaints.models import EnforcementOrder
from complaints.services import order_comply, order_create
from projects.models import Enterprise, Project

from . import selectors, services
from .models import BlacklistEntry, NoArrearsCertificate

MARK = "（演示）"
DAY = datetime.timedelta(days=1)
# days before today the entry was listed (None: only proposed); 1,130 days ago has expired
PLAN = [200, 420, 60, 1130, None]
CERT_PURPOSE = MARK + "参加工程建设项目投标"


def seed(*, stdout) -> None:
    office = User.objects.filter(username="office").first()
    contractors = _contractors()
    if office is None or len(contractors) < len(PLAN):
        stdout.write("  blacklist: demo users or projects missing, skipped")
        return
    today = timezone.localdate()
    for i, (days, (enterprise, project)) in enumerate(zip(PLAN, contractors, strict=False)):
        if not BlacklistEntry.objects.filter(enterprise=enterprise, reason__startswith=MARK).exists():
            _entry(i, days, enterprise, project, office, today)
    services.blacklist_expire_due(on=today)
    graded = services.grade_compute_year(year=today.year)
    _certificates(office, today)
    stdout.write(
        f"  blacklist entries {BlacklistEntry.objects.count()} "
        f"(in force {selectors.listed_enterprise_ids(on=today).count()}), grades {graded}, "
        f"certificates {NoArrearsCertificate.objects.count()}"
    )


def _contractors() -> list[tuple[Enterprise, Project]]:
    """Distinct general contractors of the demo projects, with one project each."""
    seen: dict[int, tuple[Enterprise, Project]] = {}
    for project in Project.objects.select_related("contractor").order_by("-code"):
        seen.setdefault(project.contractor_id, (project.contractor, project))
    return list(seen.values())[: len(PLAN)]


def _order(enterprise, project, office, deadline) -> EnforcementOrder:
    """An unpaid order to pay from the complaints demo if there is one, else a new one."""
    order = (
        EnforcementOrder.objects.filter(
            enterprise=enterprise,
            kind=EnforcementOrder.Kind.PAY,
            complied_on__isnull=True,
            deadline__lt=deadline,
        )
        .order_by("deadline")
        .first()
    )
    if order is not None:
        return order
    order = order_create(
        kind=EnforcementOrder.Kind.PAY,
        enterprise=enterprise,
        deadline=deadline,
        requirement=MARK + "责令于期限内足额支付拖欠的农民工工资",
        user=office,
        project=project,
        amount=386000,
        legal_basis="《保障农民工工资支付条例》第五十七条",
        issued_on=deadline - 15 * DAY,
        served_on=deadline - 14 * DAY,
    )
    return order


def _entry(i, days, enterprise, project, office, today) -> None:
    start = today - ((days or 0) + 40) * DAY if days else today - 3 * DAY
    order = _order(enterprise, project, office, start - 10 * DAY)
    entry = services.blacklist_propose(
        order=order,
        basis_kind=BlacklistEntry.BasisKind.CRIMINAL if i % 2 == 0 else BlacklistEntry.BasisKind.INCIDENT,
        reason=MARK + "拒不支付农民工工资，经责令限期支付逾期仍不支付，数额达到追诉标准",
        user=office,
        on=start,
    )
    if days is None:
        return
    services.blacklist_person_add(
        entry=entry,
        name=enterprise.legal_representative or "张某某",
        role="legal_rep",
        id_number=_id(i),
        user=office,
    )
    services.blacklist_issue_notice(entry=entry, user=office, on=start)
    services.blacklist_decide(
        entry=entry,
        to_list=True,
        reasons="逾期未提出陈述申辩，事实清楚",
        user=office,
        on=today - days * DAY - DAY,
    )
    services.blacklist_publish(entry=entry, user=office, on=today - days * DAY)
    if days > 3 * 365 and order.complied_on is None:  # a listing long expired: the wages were paid since
        order_comply(order=order, on=today - (days - 200) * DAY, user=office)


def _id(i: int) -> str:
    body = f"341122{1970 + i}{i % 9 + 1:02d}15{100 + i:03d}"
    return body + ric.calc_check_digit(body + "0")


def _certificates(office, today) -> None:
    have = NoArrearsCertificate.objects.filter(purpose=CERT_PURPOSE).count()
    for enterprise in Enterprise.objects.order_by("-kind", "uscc")[:200]:
        if have >= 2:
            return
        if enterprise.certificates.filter(purpose=CERT_PURPOSE).exists():
            continue
        if selectors.certificate_refusals(enterprise=enterprise, on=today):
            continue
        services.certificate_issue(enterprise=enterprise, purpose=CERT_PURPOSE, user=office, on=today)
        have += 1
