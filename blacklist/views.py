"""Office pages of the blacklist: list, entry steps, proposals, grades, certificates."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import EnforcementOrder
from wagewatch.accounts import once, roles
from wagewatch.accounts.access import get_for_user
from wagewatch.lib import config
from wagewatch.lib.bounds import BoundedForm
from wagewatch.lib.filters import page_query
from wagewatch.lib.pdf import pdf_response, render_pdf
from wagewatch.lib.qr import qr_svg
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import forms, selectors, services
from .models import BlacklistEntry, NoArrearsCertificate
from .public import verify_url

PAGE_SIZE = 50
S = BlacklistEntry.Status


def _staff(request) -> None:
    """Office, admins and inspectors (who see their own proposals); department users none."""
    if not (roles.is_office(request.user) or roles.is_inspector(request.user)):
        raise PermissionDenied


def _office(request) -> None:
    if not roles.is_office(request.user):
        raise PermissionDenied


def _get_entry_for_user(request, pk) -> BlacklistEntry:
    qs = BlacklistEntry.objects.select_related(
        "enterprise", "basis_order", "complaint", "proposed_by", "decided_by"
    )
    return get_for_user(qs, request.user, pk)


def _get_certificate_for_user(request, pk) -> NoArrearsCertificate:
    return get_for_user(NoArrearsCertificate.objects.select_related("enterprise"), request.user, pk)


def _filters(request) -> tuple[forms.FilterForm, dict]:
    form = forms.FilterForm(request.GET or None)
    return form, (form.cleaned_data if form.is_valid() else {})


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, _("；").join(exc.messages))


@login_required
def entry_list(request):
    """失信名单: filters, pagination, export."""
    _staff(request)
    form, data = _filters(request)
    entries = selectors.entry_list(user=request.user, on=timezone.localdate(), **data)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "title": _("失信联合惩戒名单"),
        "is_office": roles.is_office(request.user),
    }
    return render(request, "blacklist/list.html", context)


EXPORT_HEADERS = [
    "企业名称", "统一社会信用代码", "法定代表人", "列入情形", "列入事由", "依据文书", "状态", "提请日期",
    "告知书文号", "陈述申辩期限", "决定日期", "列入日期", "期满日期", "移出日期", "移出理由",
]  # fmt: skip


def _export_row(e: BlacklistEntry) -> list:
    return [
        e.enterprise.name, e.enterprise.uscc, e.enterprise.legal_representative, e.get_basis_kind_display(),
        e.reason, e.basis_order.number if e.basis_order else "", e.get_status_display(), e.proposed_on,
        e.notice_number,
        e.defence_due, e.decided_on, e.listed_on, e.expires_on, e.removed_on, e.removal_reason,
    ]  # fmt: skip


@login_required
def entry_export(request):
    """The list as .xlsx, same filters and scope."""
    _staff(request)
    _form, data = _filters(request)
    entries = selectors.entry_list(user=request.user, on=timezone.localdate(), **data)
    content = write_workbook(
        [(_("失信名单"), EXPORT_HEADERS, (_export_row(e) for e in entries.iterator(2000)))]
    )
    return xlsx_response(f"失信名单-{timezone.localdate():%Y%m%d}.xlsx", content)


def _next_steps(user, entry: BlacklistEntry) -> dict:
    """Which step forms this user sees for the entry."""
    approver, staff = roles.is_approver(user), roles.is_office(user) or roles.is_inspector(user)
    return {
        "notice": approver and entry.status == S.PROPOSED,
        "statement": staff and entry.status == S.NOTICED,
        "decide": approver and entry.status in (S.NOTICED, S.STATED),
        "publish": approver and entry.status == S.DECIDED_LIST,
        "remove": approver and entry.status == S.LISTED,
        "person": staff and entry.status not in BlacklistEntry.CLOSED_STATUSES,
    }


@login_required
def entry_detail(request, pk):
    """One entry: facts, step timeline and the forms of the next allowed steps."""
    _staff(request)
    entry = _get_entry_for_user(request, pk)
    context = {
        "entry": entry,
        "title": entry.enterprise.name,
        "steps": entry.steps.select_related("actor"),
        "persons": entry.persons.all(),
        "can": _next_steps(request.user, entry),
        "notice_form": forms.OnForm(),
        "statement_form": forms.StatementForm(),
        "decide_form": forms.DecideForm(),
        "publish_form": forms.OnForm(),
        "remove_form": forms.RemoveForm(),
        "person_form": forms.PersonForm(),
    }
    return render(request, "blacklist/detail.html", context)


STEPS: dict[str, tuple[type[BoundedForm], Callable[..., object]]] = {
    "notice": (forms.OnForm, services.blacklist_issue_notice),
    "statement": (forms.StatementForm, services.blacklist_record_statement),
    "decide": (forms.DecideForm, services.blacklist_decide),
    "publish": (forms.OnForm, services.blacklist_publish),
    "remove": (forms.RemoveForm, services.blacklist_remove_early),
    "person": (forms.PersonForm, services.blacklist_person_add),
}


@login_required
@require_POST
def entry_step(request, pk, step):
    """Run one step of the procedure; the service refuses steps out of order."""
    _staff(request)
    entry = _get_entry_for_user(request, pk)
    if step not in STEPS:
        raise Http404
    form_class, service = STEPS[step]
    form = form_class(request.POST)
    detail = reverse("blacklist:detail", args=[entry.pk])

    def write() -> str:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        service(entry=entry, user=request.user, **form.cleaned_data)
        return detail

    # one token per step form: a double click never takes a second notice number
    return once.submit_once(request, write, ok=_("已保存"), back=detail)


@login_required
def notice_pdf(request, pk):
    """事先告知书 (prior notice) as PDF, once issued."""
    _staff(request)
    entry = _get_entry_for_user(request, pk)
    if not entry.notice_seq or entry.basis_order is None:
        raise Http404
    served = entry.basis_order.served_on or entry.basis_order.issued_on
    content = render_pdf("blacklist/pdf/notice.html", {"entry": entry, "served": served, "county": _county()})
    return pdf_response(f"事先告知书-{entry.notice_number}.pdf", content)


def _county() -> str:
    return config.COUNTY_NAME()


def _propose(request, *, orders, initial_order=None):
    form = forms.ProposeForm(
        request.POST or None, orders=orders, initial={"order": initial_order.pk if initial_order else None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.blacklist_propose(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已提请列入失信名单"))
            return redirect("blacklist:detail", pk=entry.pk)
    return render(request, "blacklist/propose.html", {"form": form, "title": _("提请列入失信名单")})


@login_required
def propose(request):
    """Propose a listing, picking one of the ignored orders to pay the user may see."""
    _staff(request)
    return _propose(request, orders=selectors.ignored_pay_orders(user=request.user, on=timezone.localdate()))


@login_required
def propose_from_order(request, order_pk):
    """Propose a listing from one order (linked from the complaints pages)."""
    _staff(request)
    order = get_for_user(EnforcementOrder.objects, request.user, order_pk)
    if not order.is_ignored(timezone.localdate()) or order.kind != EnforcementOrder.Kind.PAY:
        messages.error(request, _("只有逾期未履行的责令支付工资文书才能作为提请列入的依据"))
        return redirect("complaints:orders")
    orders = EnforcementOrder.objects.filter(pk=order.pk).select_related("enterprise")
    return _propose(request, orders=orders, initial_order=order)


@login_required
def grades(request):
    """守法诚信等级: counts per year, the grades of a year, manual override (approvers)."""
    _office(request)
    years = selectors.grade_years()
    year = _int(request.GET.get("year")) or (years[0] if years else timezone.localdate().year)
    form = forms.GradeOverrideForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_override(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else _("无权调整等级"))
        else:
            messages.success(request, _("已调整等级"))
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    grade = request.GET.get("grade", "")
    rows = selectors.grade_list(year=year, grade=grade, q=request.GET.get("q", ""))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "year": year,
        "grade": grade,
        "years_counts": [(y, selectors.grade_counts(year=y)) for y in years[:5]],
        "can_override": roles.is_approver(request.user),
        "title": _("守法诚信等级"),
    }
    return render(request, "blacklist/grades.html", context)


@login_required
@require_POST
def grades_compute(request):
    """Recompute a year's grades now (approvers); the yearly job does the same."""
    if not roles.is_approver(request.user):
        raise PermissionDenied
    year = _int(request.POST.get("year")) or timezone.localdate().year
    n = services.grade_compute_year(year=year, user=request.user)
    messages.success(request, _("已计算%(y)s年度%(n)s家企业的等级") % {"y": year, "n": n})
    return redirect(f"{redirect('blacklist:grades').url}?year={year}")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _certificate_issued(request, form) -> bool:
    """Issue the certificate once per form token (a repeat was answered by once.replayed)."""

    def write() -> str:
        cert = services.certificate_issue(user=request.user, **form.cleaned_data)
        messages.success(request, _("已出具证明 %(s)s") % {"s": cert.serial})
        return reverse("blacklist:certificates")

    try:
        if not once.run_once(request, write).fresh:  # a concurrent repeat that passed replayed()
            once.tell_replayed(request)
        return True
    except ValidationError as exc:
        form.add_error(None, _("不予出具：") + _("；").join(exc.messages))
    except PermissionDenied:
        form.add_error(None, _("无权出具证明"))
    return False


@login_required
def certificates(request):
    """无拖欠证明: issue (approvers) and list."""
    _office(request)
    if request.method == "POST" and (first := once.replayed(request)):
        return first
    form = forms.CertificateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _certificate_issued(request, form):
        return redirect("blacklist:certificates")
    q = request.GET.get("q", "")
    page = Paginator(selectors.certificate_list(user=request.user, q=q), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "q": q,
        "today": timezone.localdate(),
        "can_issue": roles.is_approver(request.user),
        "title": _("无拖欠证明"),
    }
    return render(request, "blacklist/certificates.html", context)


@login_required
def certificate_pdf(request, pk):
    """The certificate as PDF with its serial number and verification QR code."""
    _office(request)
    cert = _get_certificate_for_user(request, pk)
    url = verify_url(cert)
    context = {"cert": cert, "url": url, "qr": qr_svg(url), "county": _county()}
    return pdf_response(
        f"无拖欠证明-{cert.serial}.pdf", render_pdf("blacklist/pdf/certificate.html", context)
    )
