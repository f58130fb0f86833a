"""Campaigns (专项行动, DESIGN §9): writes, reads, and the figures of a campaign's report.

Office staff and admins create and edit campaigns and their targets; everyone sees the campaigns of his
scope (as report runs). A campaign's report is a ReportRun of kind CAMPAIGN, one per campaign, with the
campaign's scope and days: the position on its first and last day (stocks, "—" where not known) and the
work in between (flows by date), each target beside its actual and the share achieved.
"""

import datetime
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wagewatch.accounts import jobs, roles
from wagewatch.accounts.models import JobStatus

from .figures import COUNTY, DEPARTMENT, TOWNSHIP, Scope, check_scope
from .models import Campaign, CampaignTarget, ReportRun

F = CampaignTarget.Figure

# The actual of each target figure, read from report_data() over the campaign's days (all flows).
ACTUALS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    F.HAZARDS_FOUND: lambda d: d["hazards"]["opened"],
    F.HAZARDS_CLOSED: lambda d: d["hazards"]["closed"],
    F.CASES_RECEIVED: lambda d: d["complaints"]["received"],
    F.CASES_CLOSED: lambda d: d["complaints"]["closed"],
    F.RECOVERED: lambda d: d["complaints"]["recovered"],
    F.WORKERS: lambda d: d["complaints"]["workers"],
    F.PROJECTS_INSPECTED: lambda d: d["enforcement"]["projects"],
    F.EMPLOYERS_INSPECTED: lambda d: d["enforcement"]["employers"],
    F.ORDERS: lambda d: d["enforcement"]["orders"],
    F.INTERVIEWS: lambda d: d["enforcement"]["interviews"],
    F.BLACKLIST_NOTICES: lambda d: d["blacklist"]["noticed"],
    F.BLACKLIST_ADDED: lambda d: d["blacklist"]["added"],
    F.CRIMINAL: lambda d: d["complaints"]["criminal"],
}


# permissions and reads -----------------------------------------------------------------------------------


def may_manage(user: Any) -> bool:
    """Create and edit campaigns and their targets: office staff and admins."""
    return roles.is_office(user)


def campaign_list(*, user: Any) -> QuerySet[Campaign]:
    """The campaigns the user may see, newest first, with their units."""
    return (
        Campaign.objects.visible_to(user).select_related("township", "department").order_by("-start", "-pk")
    )


def campaign_scope(campaign: Campaign) -> Scope:
    """The report Scope of a campaign."""
    if campaign.scope == Campaign.Scope.TOWNSHIP:
        return Scope(TOWNSHIP, campaign.township_id, None, campaign.scope_label)
    if campaign.scope == Campaign.Scope.DEPARTMENT:
        return Scope(DEPARTMENT, None, campaign.department_id, campaign.scope_label)
    return Scope(COUNTY, None, None, campaign.scope_label)


# writes ---------------------------------------------------------------------------------------------------


def campaign_save(
    *, user: User, campaign: Campaign | None, fields: Mapping[str, Any], targets: Mapping[str, Decimal | None]
) -> Campaign:
    """Create or edit a campaign and set its targets (a figure without a value loses its target)."""
    if not may_manage(user):
        raise PermissionDenied
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign(created_by=user)
        else:
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        for name, value in fields.items():
            setattr(campaign, name, value)
        campaign._history_user = user
        campaign.save()
        _set_targets(user=user, campaign=campaign, targets=targets)
    return campaign


def _set_targets(*, user: User, campaign: Campaign, targets: Mapping[str, Decimal | None]) -> None:
    have = {t.figure: t for t in campaign.targets.select_for_update()}
    for figure, value in targets.items():
        row = have.get(figure)
        if value is None:
            if row is not None:
                row._history_user = user
                row.delete()
            continue
        if row is None:
            row = CampaignTarget(campaign=campaign, figure=figure, target=value)
        elif row.target == value:
            continue
        row.target, row._history_user = value, user
        row.save()


def campaign_report_request(*, user: User, campaign: Campaign, plan: str = "") -> ReportRun:
    """Queue the campaign's report: one row per campaign, re-rendered on request with the campaign's
    current scope, days and targets, up to today while it is under way (a request while it is queued or
    running returns it as is)."""
    scope = campaign_scope(campaign)
    check_scope(user, scope)
    unit = {"kind": ReportRun.Kind.CAMPAIGN, "scope": scope.kind, "township_id": scope.township_id,
            "department_id": scope.department_id, "scope_key": scope.key, "start": campaign.start,
            "end": campaign_end(campaign, timezone.localdate())}  # fmt: skip
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(campaign=campaign).first()
        if run is None:
            try:
                with transaction.atomic():
                    run = ReportRun.objects.create(campaign=campaign, plan=plan, created_by=user, **unit)
            except IntegrityError:  # asked twice at the same moment: the other request made the row
                return ReportRun.objects.get(campaign=campaign)
        elif run.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return run
        else:
            for name, value in unit.items():
                setattr(run, name, value)
            run.plan, run.status, run.progress, run.error = plan, JobStatus.QUEUED, 0, ""
            run.created_by, run.queued_at = user, timezone.now()
            run.started_at = run.finished_at = None
            run.save()
        jobs.job_dispatch(run)
    return run


# the report's figures -------------------------------------------------------------------------------------


def achieved(actual: Any, target: Decimal) -> Decimal | None:
    """actual ÷ target in percent, one decimal; None when the actual is not known."""
    if actual is None or not target:
        return None
    return (Decimal(actual) * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def target_rows(campaign: Campaign, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each target beside its actual over the campaign's days and the share achieved (one query)."""
    rows = []
    for t in campaign.targets.order_by("pk"):
        actual = ACTUALS[t.figure](data)
        target = t.target.normalize() if t.target == t.target.to_integral() else t.target
        rows.append({"figure": t.figure, "label": t.get_figure_display(), "target": target, "actual": actual,
                     "achieved": achieved(actual, t.target)})  # fmt: skip
    return rows


def position_rows(data: Mapping[str, Any]) -> list[tuple[str, Any, Any, str]]:
    """The position on the first and the last day (stocks): (figure, start, end, unit); None = unknown."""
    g, h, a, c = data["grades"], data["hazards"], data["arrears"], data["complaints"]
    rows: list[tuple[str, Any, Any, str]] = [(_("在建项目"), g["start"]["total"], g["end"]["total"], _("个"))]
    for r in g["rows"]:
        rows += [
            (_("其中%(g)s项目") % {"g": _(r["label"])}, r["start"], r["end"], _("个")),
            (_("%(g)s项目占比") % {"g": _(r["label"])}, r["start_share"], r["end_share"], "%"),
        ]
    rows += [
        (_("未销号%(l)s") % {"l": _(lv["label"])}, lv["start"], lv["end"], _("条")) for lv in h["levels"]
    ]
    rows += [
        (_("被欠薪农民工"), _owed(a["start"], "workers"), _owed(a["end"], "workers"), _("人")),
        (_("欠薪金额"), _owed(a["start"], "wan"), _owed(a["end"], "wan"), _("万元")),
        (_("在办投诉举报案件"), c["open_start"], c["open_end"], _("件")),
    ]  # fmt: skip
    return rows


def _owed(stock: Mapping[str, Any], key: str) -> Any:
    return stock[key] if stock["known"] else None


def flow_rows(data: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The work done between the first and the last day (flows by date): (figure, value, unit)."""
    h, c, e, b = data["hazards"], data["complaints"], data["enforcement"], data["blacklist"]
    return [
        (_("排查发现欠薪隐患"), h["opened"], _("条")), (_("欠薪隐患销号"), h["closed"], _("条")),
        (_("受理登记投诉举报"), c["received"], _("件")), (_("办结案件"), c["closed"], _("件")),
        (_("追回工资"), c["recovered"], _("万元")), (_("帮助农民工"), c["workers"], _("人")),
        (_("检查在建项目"), e["projects"], _("个")), (_("检查用人单位"), e["employers"], _("家")),
        (_("约谈用人单位"), e["interviews"], _("次")),
        (_("下达责令限期支付工资文书"), e["orders_pay"], _("份")),
        (_("下达限期整改指令书"), e["orders_rectify"], _("份")),
        (_("送达失信事先告知书"), b["noticed"], _("家")), (_("列入失信名单"), b["added"], _("家")),
        (_("移送公安机关"), c["criminal"], _("件")),
    ]  # fmt: skip


def campaign_figures(campaign: Campaign, data: Mapping[str, Any]) -> dict[str, Any]:
    """What a campaign's report adds to report_data(): positions, flows, targets (one query)."""
    return {
        "campaign": campaign,
        "positions": position_rows(data),
        "flows": flow_rows(data),
        "targets": target_rows(campaign, data),
        "days": (campaign.end - campaign.start).days + 1,
        "under_way": data["end"] < campaign.end,
    }


def campaign_end(campaign: Campaign, today: datetime.date) -> datetime.date:
    """The last day the report covers: the campaign's end, or today while it is still under way."""
    return min(campaign.end, max(today, campaign.start))
