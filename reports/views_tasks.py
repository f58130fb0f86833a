"""Pages of the key-task list (重点工作任务清单): list, export, detail, create/edit, report, review, files."""

import os
from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagewatch.accounts.access import get_for_user
from wagewatch.lib.filters import page_filters, page_query
from wagewatch.lib.formerrors import run_step
from wagewatch.lib.xlsx import write_workbook, xlsx_response

from . import forms_tasks as forms
from . import keytasks
from .filters import TaskFilter
from .models import KeyTask, TaskAssignment, TaskProgress

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAGE_SIZE = 50


def _get_task_for_user(request, pk) -> KeyTask:
    return get_for_user(KeyTask.objects, request.user, pk)


def _get_assignment_for_user(request, pk) -> TaskAssignment:
    qs = TaskAssignment.objects.filter(task__in=KeyTask.objects.visible_to(request.user)).select_related(
        "task"
    )
    return get_object_or_404(qs, pk=pk)


def _get_progress_for_user(request, pk) -> TaskProgress:
    return get_for_user(TaskProgress.objects, request.user, pk)


def _filters(request) -> tuple[forms.TaskFilterForm, dict]:
    return page_filters(TaskFilter, request, user=request.user)


@login_required
def task_list(request):
    """重点工作任务清单: filters, pagination, overdue rows highlighted."""
    form, data = _filters(request)
    page = Paginator(keytasks.task_list(user=request.user, filters=data), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "query": page_query(request),
        "can_manage": keytasks.may_manage(request.user),
        "title": _("重点工作任务清单"),
    }
    return render(request, "reports/tasks/list.html", context)


EXPORT_HEADERS = ["序号", "任务名称", "任务内容", "任务来源", "牵头负责人", "责任单位", "完成时限", "状态",
                  "是否超期", "最新进展日期", "最新进展"]  # fmt: skip


def _export_row(n: int, task: "WithAnnotations[KeyTask, keytasks.Latest]") -> list:
    units = "、".join(f"{a.unit}（{a.get_status_display()}）" for a in task.assignments.all())
    return [
        n, task.title, task.description, task.get_source_display(), task.lead_person, units, task.deadline,
        task.get_status_display(), "是" if task.is_overdue else "", task.latest_on, task.latest_text or "",
    ]  # fmt: skip


@login_required
def task_export(request):
    """The list as .xlsx, same filters and scope."""
    _form, data = _filters(request)
    tasks = keytasks.task_list(user=request.user, filters=data).iterator(chunk_size=500)
    rows = (_export_row(n, t) for n, t in enumerate(tasks, start=1))
    content = write_workbook([(_("重点工作任务清单"), EXPORT_HEADERS, rows)])
    return xlsx_response(f"重点工作任务清单-{timezone.localdate():%Y%m%d}.xlsx", content)


@login_required
def task_detail(request, pk):
    """One task: units and their state, progress timeline, and the forms this user may use."""
    task = _get_task_for_user(request, pk)
    context = {
        "task": task,
        "title": task.title,
        "assignments": keytasks.assignment_list(task=task),
        "progress": keytasks.progress_list(user=request.user, task=task),
        "reportable": keytasks.reportable_ids(user=request.user, task=task),
        "can_manage": keytasks.may_manage(request.user),
        "progress_form": forms.ProgressForm(auto_id=False),
        "review_form": forms.ReviewForm(),
    }
    return render(request, "reports/tasks/detail.html", context)


def _task_form(request, task: KeyTask | None):
    if not keytasks.may_manage(request.user):
        raise PermissionDenied
    form = forms.TaskForm(request.POST or None, instance=task)
    if request.method == "POST" and form.is_valid():
        try:
            if task is None:
                task = keytasks.task_create(user=request.user, **form.service_kwargs())
            else:
                keytasks.task_update(task=task, user=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("reports:task_detail", pk=task.pk)
    title = _("编辑重点任务") if task else _("新建重点任务")
    return render(request, "reports/tasks/form.html", {"form": form, "task": task, "title": title})


@login_required
def task_create(request):
    """The office creates a task and assigns it."""
    return _task_form(request, None)


@login_required
def task_edit(request, pk):
    """The office edits a task and its units."""
    return _task_form(request, _get_task_for_user(request, pk))


@login_required
@require_POST
def assignment_report(request, pk):
    """A unit reports progress with an optional attachment."""
    assignment = _get_assignment_for_user(request, pk)
    form = forms.ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("；").join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("reports:task_detail", pk=assignment.task_id)
    call = partial(keytasks.progress_report, assignment=assignment, user=request.user, **form.cleaned_data)
    run_step(request, call, _("已报送进展"))
    return redirect("reports:task_detail", pk=assignment.task_id)


@login_required
@require_POST
def assignment_review(request, pk, action):
    """The office accepts a unit's work or sends it back with a note."""
    service = {"accept": keytasks.assignment_accept, "return": keytasks.assignment_return}.get(action)
    if service is None:
        raise Http404
    assignment = _get_assignment_for_user(request, pk)
    if not keytasks.may_manage(request.user):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST)
    form.is_valid()
    call = partial(service, assignment=assignment, user=request.user, note=form.cleaned_data.get("note", ""))
    run_step(request, call, _("已办结") if action == "accept" else _("已退回"))
    return redirect("reports:task_detail", pk=assignment.task_id)


@login_required
def progress_attachment(request, pk):
    """Download a progress attachment: only for users who may read that progress (never a media URL)."""
    progress = _get_progress_for_user(request, pk)
    if not progress.attachment:
        raise Http404
    try:
        handle = progress.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = os.path.basename(progress.attachment.name or "")
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    return response
