"""Reads of the blacklist app. The first three are the cross-app contract (deposits, risk, reports)."""

import datetime
import hashlib
import hmac
from collections.abc import Iterable
from typing import TypedDict, TypeVar

from django.conf import settings
from django.db.models import Count, F, Manager, Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, EnforcementOrder
from projects.models import Enterprise, Hazard
from wagewatch.accounts.roles import AnyUser
from wagewatch.lib import law

from .models import BlacklistEntry, Grade, IntegrityGrade, NoArrearsCertificate

_EFFECTIVE_C = Q(override_grade=Grade.C) | Q(override_grade="", computed_grade=Grade.C)
_M = TypeVar("_M", bound=Model)


class CertificateCheck(TypedDict):
    """What the public check of a no-arrears certificate says."""

    genuine: bool
    valid: bool
    certificate: NoArrearsCertificate | None
    message: str
    checked: bool  # False: serial or code not entered, no verdict given


def listed_enterprise_ids(*, on: datetime.date) -> QuerySet[BlacklistEntry, int]:
    """Values-list queryset of enterprise ids on the blacklist that day (by date: expiry needs no job)."""
    return BlacklistEntry.objects.listed_on(on).values_list("enterprise_id", flat=True).distinct()


def grade_of(*, enterprise: Enterprise | int, year: int) -> str:
    """ "A"/"B"/"C" for the enterprise and year: the stored grade (override first), else computed now."""
    enterprise_id = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    row = IntegrityGrade.objects.filter(enterprise_id=enterprise_id, year=year).first()
    if row is not None:
        return row.grade
    return compute_grades(year=year, enterprise_ids=[enterprise_id]).get(enterprise_id, (Grade.A, ""))[0]


def c_graded_enterprise_ids(*, year: int) -> QuerySet[IntegrityGrade, int]:
    """Values-list queryset of enterprise ids whose stored grade for the year (override first) is C."""
    return IntegrityGrade.objects.filter(_EFFECTIVE_C, year=year).values_list("enterprise_id", flat=True)


# ---- integrity grade computation (人社部规〔2016〕1号, DESIGN §2) ----


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _restrict(
    qs: QuerySet[_M] | Manager[_M], field: str, enterprise_ids: Iterable[int] | None
) -> QuerySet[_M] | Manager[_M]:
    return qs if enterprise_ids is None else qs.filter(**{f"{field}__in": enterprise_ids})


def compute_grades(*, year: int, enterprise_ids: Iterable[int] | None = None) -> dict[int, tuple[str, str]]:
    """enterprise id → (grade, reasons) for enterprises with a record in the year; absent means A.

    Punished = a case closed in the year as 立案查处 or 移送公安. C = punished 3+ times, a group incident,
    an order to pay ignored (deadline in the year passed without compliance), criminal referral,
    or a blacklist listing in force during the year. B = punished otherwise. Four queries.
    """
    first, last = _year_bounds(year)
    punished = Q(closed_on__range=(first, last), outcome__in=["investigated", "criminal"])
    cases = _restrict(Complaint.objects.filter(respondent__isnull=False), "respondent_id", enterprise_ids)
    case_rows = (
        cases.filter(punished | Q(received_at__date__range=(first, last), group_incident=True))
        .values("respondent_id")
        .annotate(
            punished=Count("pk", filter=punished),
            criminal=Count("pk", filter=punished & Q(outcome="criminal")),
            incidents=Count("pk", filter=Q(received_at__date__range=(first, last), group_incident=True)),
        )
    )
    ignored = _restrict(EnforcementOrder.objects, "enterprise_id", enterprise_ids).filter(
        Q(complied_on__isnull=True) | Q(complied_on__gt=F("deadline")),
        kind=EnforcementOrder.Kind.PAY,
        deadline__range=(first, last),
        deadline__lt=timezone.localdate(),
    )
    listed = _restrict(BlacklistEntry.objects, "enterprise_id", enterprise_ids).filter(
        listed_on__lte=last, expires_on__gt=first
    )
    result: dict[int, tuple[str, str]] = {}
    c_reasons: dict[int, list[str]] = {}
    for row in case_rows:
        eid = row["respondent_id"]
        reasons = c_reasons.setdefault(eid, [])
        if row["punished"] >= law.GRADE_C_PUNISHMENTS():
            reasons.append(_("受到行政处罚%(n)s次") % {"n": row["punished"]})
        if row["incidents"]:
            reasons.append(_("引发群体性事件"))
        if row["criminal"]:
            reasons.append(_("移送公安追究刑事责任"))
        if row["punished"]:
            result[eid] = (Grade.B, _("受到行政处罚%(n)s次") % {"n": row["punished"]})
    for eid in ignored.values_list("enterprise_id", flat=True).distinct():
        c_reasons.setdefault(eid, []).append(_("拒不履行责令支付文书"))
    for eid in listed.values_list("enterprise_id", flat=True).distinct():
        c_reasons.setdefault(eid, []).append(_("列入失信联合惩戒名单"))
    for eid, reasons in c_reasons.items():
        if reasons:
            result[eid] = (Grade.C, "；".join(dict.fromkeys(reasons))[:200])
    return result


def grade_counts(*, year: int) -> dict[str, int]:
    """Stored grades of the year counted by effective grade: {"A": n, "B": n, "C": n}."""
    counts = dict.fromkeys(Grade.values, 0)
    for override, computed, n in (
        IntegrityGrade.objects.filter(year=year)
        .values_list("override_grade", "computed_grade")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[override or computed] += n
    return counts


def grade_years() -> list[int]:
    """Years with stored grades, newest first."""
    return list(IntegrityGrade.objects.values_list("year", flat=True).distinct().order_by("-year"))


# ---- no-arrears certificate ----


def certificate_refusals(*, enterprise: Enterprise, on: datetime.date) -> list[str]:
    """Why a no-arrears certificate must be refused to the enterprise that day; [] when it may be issued."""
    reasons = []
    if listed_enterprise_ids(on=on).filter(enterprise_id=enterprise.pk).exists():
        reasons.append(_("该企业已列入失信联合惩戒名单"))
    # the last annual grade (previous year) and the running year's both count
    if Grade.C in (grade_of(enterprise=enterprise, year=y) for y in (on.year - 1, on.year)):
        reasons.append(_("该企业守法诚信等级为C级"))
    if EnforcementOrder.objects.filter(
        enterprise=enterprise, kind=EnforcementOrder.Kind.PAY, complied_on__isnull=True
    ).exists():
        reasons.append(_("该企业有尚未履行的责令支付工资文书（存在未清偿欠薪）"))
    if (
        Complaint.objects.filter(respondent=enterprise)
        .exclude(status__in=[Complaint.Status.CLOSED, Complaint.Status.REFUSED])
        .exists()
    ):
        reasons.append(_("该企业有尚未办结的欠薪投诉案件"))
    if Hazard.objects.filter(project__contractor=enterprise, status=Hazard.Status.OPEN, severity=2).exists():
        reasons.append(_("该企业承建项目存在未销号的严重欠薪隐患"))
    return reasons


def certificate_code(cert: NoArrearsCertificate) -> str:
    """Verification code: HMAC of serial, enterprise and dates, keyed from SECRET_KEY (16 hex chars)."""
    key = hashlib.sha256(b"wagewatch:certificate:" + settings.SECRET_KEY.encode()).digest()
    message = f"{cert.serial}|{cert.enterprise_id}|{cert.issued_on:%Y%m%d}|{cert.valid_until:%Y%m%d}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16]


def certificate_verify(*, serial: str, code: str, on: datetime.date) -> CertificateCheck:
    """Public check of a certificate: {"genuine", "valid", "certificate", "message"}."""
    # a NUL character never gets here: RejectNulMiddleware answers 400 first
    serial, code = serial.strip(), code.strip().lower()
    missing = _("请输入证明编号") if not serial else _("请输入校验码") if not code else ""
    if missing:  # a serial typed from paper without its code is asked for the code, not refused
        return {"genuine": False, "valid": False, "certificate": None, "message": missing, "checked": False}
    cert = NoArrearsCertificate.objects.select_related("enterprise").filter(serial=serial).first()
    if cert is None or not _same(certificate_code(cert), code):
        # one message for an unknown serial and a wrong code: the check does not tell which serials exist
        return {
            "genuine": False,
            "valid": False,
            "certificate": None,
            "message": _("未查询到该证明，或校验码不符"),
            "checked": True,
        }
    if cert.revoked:
        message, valid = _("该证明已被撤销"), False
    elif cert.valid_until < on:
        message, valid = _("该证明已过有效期"), False
    else:
        message, valid = _("该证明真实有效"), True
    return {"genuine": True, "valid": valid, "certificate": cert, "message": message, "checked": True}


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# ---- pages ----


def public_entries(*, on: datetime.date) -> QuerySet[BlacklistEntry]:
    """Entries shown on the public page that day: enterprise data only."""
    return (
        BlacklistEntry.objects.listed_on(on)
        .select_related("enterprise")
        .only(
            "id",
            "reason",
            "basis_kind",
            "listed_on",
            "expires_on",
            "enterprise__name",
            "enterprise__uscc",
            "enterprise__legal_representative",
        )
        .order_by("-listed_on", "id")
    )


def entry_list(
    *, user: AnyUser, status: str = "", q: str = "", on: datetime.date | None = None
) -> QuerySet[BlacklistEntry]:
    """Entries the user may see, filtered by status and enterprise name/USCC."""
    qs = BlacklistEntry.objects.visible_to(user).select_related("enterprise", "basis_order", "proposed_by")
    if status == "in_force" and on:
        qs = qs.listed_on(on)
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q))
    return qs.order_by("-proposed_on", "-id")


def ignored_pay_orders(*, user: AnyUser, on: datetime.date) -> QuerySet[EnforcementOrder]:
    """Orders to pay, visible to the user, whose deadline passed without compliance (proposal basis)."""
    return (
        EnforcementOrder.objects.visible_to(user)
        .filter(kind=EnforcementOrder.Kind.PAY, complied_on__isnull=True, deadline__lt=on)
        .select_related("enterprise")
        .order_by("-year", "-seq")
    )


def grade_list(*, year: int, grade: str = "", q: str = "") -> QuerySet[IntegrityGrade]:
    """Stored grades of a year, filtered by effective grade and enterprise name/USCC."""
    qs = IntegrityGrade.objects.filter(year=year).select_related("enterprise")
    if grade in Grade.values:
        qs = qs.filter(Q(override_grade=grade) | Q(override_grade="", computed_grade=grade))
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__icontains=q))
    return qs.order_by("enterprise__name", "id")


def certificate_list(*, user: AnyUser, q: str = "") -> QuerySet[NoArrearsCertificate]:
    """Certificates the user may see, newest first, filtered by serial or enterprise."""
    qs = NoArrearsCertificate.objects.visible_to(user).select_related("enterprise")
    if q:
        qs = qs.filter(Q(serial__icontains=q) | Q(enterprise__name__icontains=q))
    return qs.order_by("-issued_on", "-id")


# ---- figures for the reports (flows by date, stocks on a day; DESIGN §3) ----


def entries_listed_between(*, since: datetime.date, until: datetime.date) -> QuerySet[BlacklistEntry]:
    """Entries added to the published list in [since, until] (flow)."""
    return BlacklistEntry.objects.filter(listed_on__range=(since, until))


def entries_noticed_between(*, since: datetime.date, until: datetime.date) -> QuerySet[BlacklistEntry]:
    """Entries whose prior notice (事先告知书) was issued in [since, until] (flow, by the notice date)."""
    return BlacklistEntry.objects.filter(notice_date__range=(since, until))


def entries_ended_between(*, since: datetime.date, until: datetime.date) -> QuerySet[BlacklistEntry]:
    """Entries taken off the list in [since, until], early or at expiry (flow)."""
    removed = Q(removed_on__range=(since, until))
    expired = Q(removed_on__isnull=True, expires_on__range=(since, until))
    return BlacklistEntry.objects.filter(listed_on__isnull=False).filter(removed | expired)


def certificates_issued_between(
    *, since: datetime.date, until: datetime.date
) -> QuerySet[NoArrearsCertificate]:
    """Certificates issued in [since, until] (flow)."""
    return NoArrearsCertificate.objects.filter(issued_on__range=(since, until))
