"""Wage pages: the project's 工资明细 tab with its arrears card, the line form, the uploads of a pay sheet and
attendance (their preview, progress and errors are the project import pages, projects/views_import.py), the
arrears ledger (欠薪) by township, enterprise and project, and one enterprise's arrears. Views stay short
(STYLE.md)."""

import datetime
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Enterprise, ImportJob, Project
from projects.selectors import inspection_list, project_for_user
from projects.views_import import ImportPages, preview_or_refuse
from wagewatch.accounts import once
from wagewatch.accounts.models import Township
from wagewatch.accounts.roles import AuthenticatedHttpRequest, can_edit_field_work
from wagewatch.lib.bounds import date_limits
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import exports, selectors, services
from .forms import AttendanceImportForm, PayLineForm, PaySheetImportForm, WageImportForm
from .imports import wage_import_preview
from .models import PayLine
from .state import payroll_status

PAGE_SIZE = 50
# the wage imports on the project import pages (registered in WagesConfig.ready())
IMPORT_PAGES: dict[str, ImportPages] = {
    kind: ImportPages("wages", "wages:project_tab", gettext_lazy("返回工资明细"), "wages/_import_rows.html",
                      gettext_lazy("提示（确认前请核对）"))
    for kind in (ImportJob.Kind.PAY_SHEET, ImportJob.Kind.ATTENDANCE)
}  # fmt: skip
_UPLOADS: dict[str, tuple[type[WageImportForm], Promise, Promise]] = {
    ImportJob.Kind.PAY_SHEET: (PaySheetImportForm, gettext_lazy("导入工资支付表"), gettext_lazy(
        "一个用工单位一个月的工资支付表；表头可在标题行之下，合计行不导入。工人须在本项目当月的花名册中。"
        "先预检，确认后才写入。")),
    ImportJob.Kind.ATTENDANCE: (AttendanceImportForm, gettext_lazy("导入考勤"), gettext_lazy(
        "每人每月一行的考勤汇总，或闸机导出的每人每天一行（同一天多次打卡计一天）；只写入出勤天数。"
        "先预检，确认后才写入。")),
}  # fmt: skip


def _get_line_for_user(request: HttpRequest, project: Project, pk: int) -> PayLine:
    """A line of a project the user may see (the child fetched through its scoped parent)."""
    return get_object_or_404(PayLine.objects.select_related("entry__worker"), pk=pk, project=project)


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007  a calendar month, no time
    except (TypeError, ValueError):
        return None


def _day(value: str | None) -> datetime.date:
    """A stock day from ?on=YYYY-MM-DD within the plausible range, else today."""
    low, high = date_limits(past=True)
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return high
    return day if low <= day <= high else high


def _tab(request: HttpRequest, project: Project, template: str, **context: Any) -> HttpResponse:
    context.update(project=project, active_tab="wages", title=project.name)
    context.setdefault("can_edit", can_edit_field_work(request.user))
    return render(request, template, context)


@login_required
def project_tab(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = project_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    months = selectors.project_payroll(project)
    lined = [m.month for m in months if m.derived]
    month = _month(request.GET.get("month", "")) or (lined[0] if lined else None)
    # no month yet: month=None is ``IS NULL``, no line (the stubs allow no None for a non-null field)
    month_lines = PayLine.objects.filter(project=project, month=month)  # type: ignore[misc]
    lines = selectors.lines_with_owed(month_lines, on=today)
    lines = lines.select_related("entry__worker").order_by("entry__team", "entry_id")
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    stock = selectors.arrears(PayLine.objects.filter(project=project), on=today)
    return _tab(
        request, project, "wages/project_tab.html", months=months, month=month, page=page, arrears=stock,
        today=today, query=urlencode({"month": f"{month:%Y-%m}"}) if month else "",
    )  # fmt: skip


@login_required
def line_form(request: AuthenticatedHttpRequest, pk: int, line_pk: int | None = None) -> HttpResponse:
    project = project_for_user(user=request.user, pk=pk, write=True)
    line = _get_line_for_user(request, project, line_pk) if line_pk else None
    if request.method == "POST" and (first := once.replayed(request)):
        return first
    form = PayLineForm(request.POST or None, instance=line, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("id_number")
        card = data.pop("card_number")
        entry = line.entry if line else form.entry
        call = partial(services.pay_line_save, entry=entry, user=request.user, line=line, card=card, **data)
        outcome = once.run_once_on_form(request, form, lambda: _done(call, project))
        if outcome:
            return redirect(outcome.url)
    heading = _("修改工资明细") if line else _("登记工资明细")
    return _tab(request, project, "projects/form.html", form=form, heading=heading)


@login_required
def import_upload(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Upload a pay sheet or attendance file for a month: checked into a preview job, nothing written."""
    project = project_for_user(user=request.user, pk=pk, write=True)
    form_class, heading, help_text = _UPLOADS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, upload = form.cleaned_data, form.cleaned_data["file"]
        preview = partial(
            wage_import_preview,
            kind=kind,
            project=project,
            user=request.user,
            month=data["month"],
            pay_date=data.get("pay_date"),
            filename=upload.name,
        )
        if done := preview_or_refuse(form, lambda: preview(data=upload.read())):
            return done
    return _tab(request, project, "projects/import_upload.html", form=form, heading=heading, help=help_text,
                template_kind=kind)  # fmt: skip


@login_required
def project_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every pay line of the project, with what each owes today (ID and card masked)."""
    project = project_for_user(user=request.user, pk=pk)
    lines = selectors.lines_with_owed(PayLine.objects.filter(project=project), on=timezone.localdate())
    lines = lines.select_related("project", "entry__worker").order_by("-month", "entry__team", "entry_id")
    sheet = exports.lines_sheet(lines, title=_("工资明细"))
    name = _("工资明细")  # (makemessages does not read inside f-strings)
    return xlsx_response(f"{project.code}_{name}", write_workbook([sheet]))


def _done(call: Callable[[], PayLine], project: Project) -> str:
    line = call()
    return reverse("wages:project_tab", args=[project.pk]) + f"?month={line.month:%Y-%m}"


# ---------------------------------------------------------------- on the projects app's tabs (TAB_CONTEXT)


def overview_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    """The project overview's arrears card (one query)."""
    on = timezone.localdate()
    card = render_to_string(
        "wages/_arrears_card.html",
        {
            "arrears": selectors.arrears(PayLine.objects.filter(project=project), on=on),
            "on": on,
            "link": reverse("wages:project_tab", args=[project.pk]),
        },
        request=request,
    )
    return {"overview_cards": [card]}


def state_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    """Last month's payroll on the overview's state panel (two queries)."""
    payroll = render_to_string(
        "projects/_state_duty.html",
        {"duty": payroll_status(project=project, today=timezone.localdate()), "kind": "payroll"},
        request=request,
    )
    return {"state_sections": [{"order": 20, "html": payroll}]}


def payroll_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    """The payroll tab's months: summed from pay lines where the project has them (two queries)."""
    note = _("“明细汇总”的月份由工资明细计算，“报送总数”的月份为项目报送的汇总数。")
    return {"payrolls": selectors.project_payroll(project), "payroll_note": note}


# ---------------------------------------------------------------- the arrears ledger


@login_required
def arrears(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The arrears stock on a day in the user's scope, by township, enterprise and project."""
    on = _day(request.GET.get("on"))
    ledger = selectors.arrears_ledger(PayLine.objects.visible_to(request.user), on=on)
    context = {
        "on": on,
        "total": ledger.total,
        "townships": _named(Township.objects.filter(pk__in=ledger.township), ledger.township),
        "enterprises": _named(Enterprise.objects.filter(pk__in=ledger.enterprise), ledger.enterprise),
        "projects": _named(Project.objects.filter(pk__in=ledger.project), ledger.project),
        "title": _("欠薪台账"),
    }
    return render(request, "wages/arrears.html", context)


@login_required
def arrears_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The lines owed on the day in the user's scope (ID and card masked): the ledger's rows."""
    on = _day(request.GET.get("on"))
    lines = selectors.owed_lines(PayLine.objects.visible_to(request.user), on=on)
    lines = lines.select_related("project", "entry__worker").order_by("project__code", "month", "entry_id")
    sheet = exports.lines_sheet(lines, title=_("欠薪明细"))
    name = _("欠薪明细")  # (makemessages does not read inside f-strings)
    return xlsx_response(f"{name}_{on:%Y%m%d}", write_workbook([sheet]))


def _named(objects: Iterable[Model], stock: dict[int, selectors.Arrears]) -> list[dict[str, Any]]:
    """Rows of (object, its arrears), largest amount first."""
    rows = [{"obj": obj, "arrears": stock[obj.pk]} for obj in objects]
    return sorted(rows, key=lambda r: (-r["arrears"].amount, -r["arrears"].workers, str(r["obj"])))


ENTERPRISE_INSPECTIONS = 20  # the latest shown on the enterprise's page; the inspection list has them all


@login_required
def enterprise(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One enterprise's arrears in the user's scope: per project, and the workers owed."""
    firm = get_object_or_404(Enterprise, pk=pk)
    on = _day(request.GET.get("on"))
    lines = PayLine.objects.visible_to(request.user).filter(selectors.enterprise_lines_q(firm.pk))
    by_project = selectors.arrears_by(lines, on=on, by="project")
    owed = (
        selectors.owed_lines(lines, on=on).select_related("entry__worker", "project").order_by("month", "id")
    )
    page = Paginator(owed, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "firm": firm,
        "on": on,
        "total": selectors.arrears(lines, on=on),
        "projects": _named(Project.objects.filter(pk__in=by_project), by_project),
        "page": page,
        "query": urlencode({"on": on.isoformat()}),
        "inspections": inspection_list(user=request.user, filters={"enterprise": firm})[
            :ENTERPRISE_INSPECTIONS
        ],
        "title": firm.name,
    }
    return render(request, "wages/enterprise.html", context)
