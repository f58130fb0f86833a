"""Many rosters at once (issue 18 item 14): several roster files, or a workbook with a sheet per project or
one sheet with a 项目编号 column, previewed together and written all or none. A batch of the import pipeline
(``wagewatch.imports.kinds.FilesKind``): each file or sheet is parsed as a roster (projects.imports), then
mapped to a project the user may write, and each project's rows go through the roster's own checks and
writes.

Which project a file or sheet is for, the first found wins: the row's 项目编号 cell; a "项目编号：…" line
above the header; a project code as (or in) the sheet's name; a project code in the file's name. A code
that does not exist and one the user may not write are the same error, naming the file or sheet (another
township's projects are not revealed)."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagewatch.accounts.models import JobStatus
from wagewatch.imports import pipeline
from wagewatch.imports.cells import Text
from wagewatch.imports.kinds import Check, Column, FilesKind, Parsed, Refused

from .imports import (
    COLUMNS,
    IdentityConflict,
    RosterImport,
    identity_conflict_errors,
    roster_check,
    roster_import_apply,
)
from .models import ImportJob, Project
from .selectors import projects_writable

CODE = Column(
    "project_code",
    ("项目编号", "项目代码"),
    Text(40),
    example="XM20240001",
    note=gettext_lazy("文件名、工作表名或标题行（项目编号：…）已写明项目编号时可不填"),
)
_CODE_LINE = re.compile(r"项目(?:编号|代码)\s*[:：]\s*([A-Za-z0-9][A-Za-z0-9_\-]*)")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*[A-Za-z0-9]")
_NOT_YOURS = gettext_lazy("项目编号“%(code)s”不存在或不在您可导入花名册的范围内")


class RosterPart(RosterImport):
    """A file or sheet of a batch: a roster, with a 项目编号 column allowed."""

    columns: tuple[Column, ...] = (CODE, *COLUMNS)


class RostersImport(FilesKind):
    name = ImportJob.Kind.ROSTERS
    part = RosterPart()
    columns = part.columns
    identify = part.identify
    header_missing = part.header_missing
    required_columns = part.required_columns

    def check(self, job: ImportJob, parsed: Parsed) -> Check:
        """Each row's project (noted on the row), then the roster's checks project by project."""
        named = {name: _part_codes(name, part) for name, part in parsed.parts.items()}
        wanted = {c for line, words in named.values() for c in [line, *words]}
        wanted = (wanted | {r["project_code"] for r in parsed.rows}) - {""}
        projects = {p.code: p for p in projects_writable(user=job.created_by).filter(code__in=wanted)}
        existing = set(Project.objects.filter(code__in=wanted).values_list("code", flat=True))
        # a 项目编号 line is meant as a code; a word of a name only when it is one
        chosen = {
            name: line or next((w for w in words if w in existing), "")
            for name, (line, words) in named.items()
        }
        errors = _part_errors(parsed, chosen, projects)
        errors += _row_projects(parsed, chosen, projects)
        errors += _repeats(parsed)
        check = Check(errors=errors)
        by_pk = {p.pk: p for p in projects.values()}
        for (pk, name), rows in _groups(r for r in parsed.rows if r.get("project")).items():
            columns = parsed.parts[name].columns
            part = roster_check(project=by_pk[pk], rows=rows, columns=columns, user=job.created_by)
            check.errors += [{"sheet": name, **e} for e in part.errors]
            check.warnings += [{"sheet": name, **w} for w in part.warnings]
            check.created, check.updated = check.created + part.created, check.updated + part.updated
        check.parts = _summary(parsed, projects)
        return check

    def apply(self, job: ImportJob, parsed: Parsed, progress: Callable[[int], None]) -> tuple[int, int]:
        """Each project's rows through the roster's own writes, in the pipeline's one transaction."""
        groups = _groups(parsed.rows)
        projects = _still_writable(job, groups)
        done, counts = 0, defaultdict[int, _Count](_Count)
        for (pk, name), rows in groups.items():
            step = _scaled(progress, done=done, size=len(rows), total=len(parsed.rows))
            try:
                created, updated = roster_import_apply(
                    project=projects[pk], rows=rows, user=job.created_by, progress=step
                )
            except IdentityConflict as conflict:
                raise _conflict_refused(conflict, name, parsed.parts[name].columns) from conflict
            done += len(rows)
            counts[pk].add(created=created, updated=updated, rows=len(rows), name=name)
        _record(job, projects, counts)
        return sum(c.created for c in counts.values()), sum(c.updated for c in counts.values())


@dataclass
class _Count:
    """What a batch wrote to one project, from which files or sheets."""

    created: int = 0
    updated: int = 0
    rows: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, *, created: int, updated: int, rows: int, name: str) -> None:
        self.created, self.updated, self.rows = (
            self.created + created,
            self.updated + updated,
            self.rows + rows,
        )
        self.names.append(name)


def _still_writable(job: ImportJob, groups: dict[tuple[int, str], list[dict]]) -> dict[int, Project]:
    """The batch's projects, each checked again at the run (the user may have lost a township)."""
    pks = {pk for pk, _name in groups}
    projects = {p.pk: p for p in projects_writable(user=job.created_by).filter(pk__in=pks)}
    gone = [name for pk, name in groups if pk not in projects]
    if gone:
        errors = [{"sheet": name, "row": 0, "column": str(CODE.headers[0]),
                   "message": _("您已无权导入该项目的花名册")} for name in gone]  # fmt: skip
        raise Refused(errors, _("部分项目已不在您的管辖范围内，全部未导入"))
    return projects


def _conflict_refused(conflict: IdentityConflict, name: str, columns: dict) -> Refused:
    """Workers registered elsewhere after the preview: the rows that would change them, by file or sheet."""
    errors = [
        {"sheet": name, **e} for e in identity_conflict_errors(changes=conflict.changes, columns=columns)
    ]
    lines = _("；").join(_("%(sheet)s 第%(row)d行 %(column)s：%(message)s") % e for e in errors)
    return Refused(errors, _("身份信息冲突，全部未导入：%(lines)s") % {"lines": lines})


ROSTERS = RostersImport()


def rosters_import_preview(*, user: Any, files: list[tuple[str, bytes]]) -> ImportJob:
    """Check a batch of roster files together and keep it as one preview job (nothing written)."""
    job = ImportJob(kind=ImportJob.Kind.ROSTERS, created_by=user)
    pipeline.preview_files(job, files=files)
    return job


# ---------------------------------------------------------------- which project
def _part_codes(name: str, part: Parsed) -> tuple[str, list[str]]:
    """The code of a 项目编号 line above a part's header, and the code-like words of its sheet's name and
    its file's name, in that order."""
    line = next((m.group(1) for text in part.above if (m := _CODE_LINE.search(text))), "")
    stem = re.sub(r"\.(xlsx|xlsm|csv)$", "", part.notes.get("file", name), flags=re.IGNORECASE)
    return line, [*_TOKEN.findall(part.notes.get("sheet", "")), *_TOKEN.findall(stem)]


def _part_errors(parsed: Parsed, chosen: dict[str, str], projects: dict[str, Project]) -> list[dict]:
    """A file or sheet naming a project the user may not write, or naming none for rows that need one."""
    errors = []
    column = str(CODE.headers[0])
    for name, part in parsed.parts.items():
        code = chosen[name]
        if code and code not in projects:
            errors.append({"sheet": name, "row": 0, "column": column, "message": _NOT_YOURS % {"code": code}})
        elif not code and part.total and "project_code" not in part.mapping:
            message = _(
                "未能确定所属项目：请在“项目编号”列、标题行（项目编号：…）、工作表名或文件名中写明项目编号"
            )
            errors.append({"sheet": name, "row": 0, "column": column, "message": message})
    return errors


def _row_projects(parsed: Parsed, chosen: dict[str, str], projects: dict[str, Project]) -> list[dict]:
    """Each row's project (``row["project"]``, its pk): its 项目编号 cell, else its file's or sheet's."""
    errors = []
    for row in parsed.rows:
        part = parsed.parts[row["sheet"]]
        code = row["project_code"] or chosen[row["sheet"]]
        project = projects.get(code)
        row["project"] = project.pk if project else None
        if project or "project_code" not in part.mapping or (not row["project_code"] and code):
            continue  # a file's or sheet's own code is its error, once
        message = _NOT_YOURS % {"code": code} if code else _("未填写项目编号")
        errors.append({"sheet": row["sheet"], "row": row["row"], "column": part.columns["project_code"],
                       "message": message})  # fmt: skip
    return errors


def _repeats(parsed: Parsed) -> list[dict]:
    """A worker twice on one project's roster across files, or under two names in the batch."""
    errors: list[dict] = []
    first: dict[tuple[Any, str], dict] = {}
    named: dict[str, dict] = {}
    for row in parsed.rows:
        columns = parsed.parts[row["sheet"]].columns
        seen = first.setdefault((row["project"], row["hash"]), row)
        other = named.setdefault(row["hash"], row)
        if seen is not row and row["project"]:
            message = _("身份证号码与“%(sheet)s”第%(row)d行重复（同一项目）") % seen
            errors.append({"sheet": row["sheet"], "row": row["row"], "column": columns["id_number"],
                           "message": message})  # fmt: skip
        elif other["name"] != row["name"]:
            message = _("同一身份证号码在“%(sheet)s”第%(row)d行的姓名为“%(name)s”") % other
            errors.append({"sheet": row["sheet"], "row": row["row"], "column": columns["name"],
                           "message": message})  # fmt: skip
    return errors


def _groups(rows: Iterable[dict]) -> dict[tuple[int, str], list[dict]]:
    """The rows by (project pk, file or sheet), in the order they come."""
    groups: dict[tuple[int, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["project"], row["sheet"]), []).append(row)
    return groups


def _summary(parsed: Parsed, projects: dict[str, Project]) -> list[dict]:
    """What each file or sheet holds, for the preview page: its projects, its rows."""
    by_pk = {p.pk: p for p in projects.values()}
    parts = []
    for name, part in parsed.parts.items():
        pks = dict.fromkeys(r["project"] for r in parsed.rows if r["sheet"] == name and r.get("project"))
        shown = [{"code": by_pk[pk].code, "name": by_pk[pk].name, "pk": pk} for pk in pks]
        parts.append(
            {"sheet": name, "file": part.notes.get("file", name), "projects": shown, "rows": part.total}
        )
    return parts


# ---------------------------------------------------------------- the run
def _scaled(progress: Callable[[int], None], *, done: int, size: int, total: int) -> Callable[[int], None]:
    """A project's progress (0–100 of its rows) as the batch's."""
    return lambda percent: progress(min(99, (done + percent * size // 100) * 100 // max(total, 1)))


def _record(job: ImportJob, projects: dict[int, Project], counts: dict[int, _Count]) -> None:
    """Each project's roster import as its own finished job (who, which files, counts), in the same
    transaction: the project's import history shows the batch's part."""
    now = timezone.now()
    ImportJob.objects.bulk_create(
        ImportJob(kind=ImportJob.Kind.ROSTER, stage=ImportJob.Stage.CONFIRM, status=JobStatus.DONE,
                  project=projects[pk], township=projects[pk].township, created_by=job.created_by,
                  filename="、".join(c.names)[:200], sha256=job.sha256, total_rows=c.rows,
                  created_count=c.created, updated_count=c.updated, progress=100, queued_at=now,
                  started_at=now, finished_at=now)
        for pk, c in counts.items()
    )  # fmt: skip
