"""Wage reconciliation rules (issue 16, DESIGN §8): the pay lines checked worker by worker.

Five registered rules over wages.PayLine, each in one aggregate query for all projects at once (and in a
county sweep all five in one statement, evaluate_many): the workers behind each project's finding (largest
amounts first, at most LIST_LIMIT per project, ranked by a window function in SQL) with the project's
totals alongside. The hazard detail lists those workers with
masked ID numbers, so the hazard is updated when the list changes and closed when the lines clear.

- WORKER_UNPAID  owed (wages.selectors.owed_lines) ``days`` after payday + grace, and nothing paid;
- WORKER_SHORT   owed ``days`` after payday + grace, and part of it paid (less than due − deductions);
- CARD_MISMATCH  paid to a card whose keyed hash is not the one registered on the roster (last months);
- OFF_ACCOUNT    paid in cash or from another account than the dedicated one (last months);
- BANK_FAILED    the bank's result is 失败 and no new payment came within ``days`` of the attempt.

A failed bank line is unpaid, but it is BANK_FAILED's signal (with its own re-payment days), not
WORKER_UNPAID's. Kept in its own module so that it moves with the risk package.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project, Worker
from wages.models import PayLine
from wages.selectors import fell_due_cut, to_fen
from wagewatch.lib import config, law
from wagewatch.lib.masking import mask_id
from wagewatch.lib.periods import month_start
from wagewatch.lib.rawsql import as_day, as_decimal, day_param

from ..registry import (
    SERIOUS,
    Finding,
    Found,
    Row,
    RuleFunc,
    Thresholds,
    capture_failures,
    collect,
    rule,
    sql_of,
)

LIST_LIMIT = 50  # workers named in one hazard's detail; the totals count them all
FAILED = PayLine.BankStatus.FAILED.value


# ---- the one statement of all the rules ----


class Lines(NamedTuple):
    """What a rule reads: the condition on its pay lines (SQL over _LINES_SQL's columns, with its params),
    the amount each line counts for, the lines of unknown amount (the worker counted, the amount 0; 1/0),
    and the summary of its findings (% {n, amount, first})."""

    where: str
    params: list[Any]
    amount: str
    summary: str
    unknown: str = "0"


LinesOf = Callable[[Thresholds, datetime.date], Lines]
_LINES: dict[str, LinesOf] = {}  # rule code → its lines, for the one statement of evaluate_many

# the projects' pay lines with their project's payday, the roster's card and the worker, what reached the
# worker by the day (paid_by: wages.selectors._paid: net, unless the bank failed it or it was paid later)
# and the gap (_with_gap: what should have reached them less that; null when neither is known)
_PAID = f"""CASE WHEN l.net IS NOT NULL AND NOT (l.bank_status = '{FAILED}')
    AND (l.paid_on IS NULL OR l.paid_on <= %s) THEN l.net ELSE 0 END"""
_LINES_SQL = f"""SELECT l.project_id, l.entry_id, l.month, l.days, l.due, l.deductions, l.net, l.paid_on,
    l.via_account, l.card_hash, l.bank_status, pp.payday, e.card_hash AS entry_card_hash, w.name, w.id_number,
    {_PAID} AS paid_by, COALESCE(l.due - l.deductions, l.net) - {_PAID} AS gap
  FROM wages_payline l JOIN projects_project pp ON pp.id = l.project_id
  JOIN projects_rosterentry e ON e.id = l.entry_id JOIN projects_worker w ON w.id = e.worker_id
  WHERE l.project_id IN (SELECT p.id FROM ({{projects}}) p)"""
# a branch: one rule's lines grouped per (project, worker), tagged with the rule's place
_BRANCH_SQL = """SELECT {tag} AS tag, project_id, entry_id, name, id_number,
    COALESCE(SUM({amount}), 0) AS amount, MIN(month) AS {first}, MAX(month) AS {last}, COUNT(*) AS months,
    MAX({unknown}) AS unknown
  FROM ({lines}) x WHERE {where} GROUP BY project_id, entry_id, name, id_number"""
# the windows over each rule's project (the rule's tag and the project): rank, then the project's totals
_WINDOWS = """ROW_NUMBER() OVER (PARTITION BY tag, project_id ORDER BY amount DESC, entry_id) AS rank_,
    COUNT(*) OVER (PARTITION BY tag, project_id) AS p_workers,
    SUM(amount) OVER (PARTITION BY tag, project_id) AS p_amount,
    SUM(unknown) OVER (PARTITION BY tag, project_id) AS p_unknown,
    MIN({first}) OVER (PARTITION BY tag, project_id) AS p_first"""
_KEYS = (
    *("tag", "project_id", "entry_id", "entry__worker__name", "entry__worker__id_number", "amount", "first"),
    *("last", "months", "unknown", "rank", "p_workers", "p_amount", "p_unknown", "p_first"),
)


def fell_due(on: datetime.date) -> tuple[str, list[Any]]:
    """wages.selectors.fell_due_before over _LINES_SQL's columns."""
    previous, day = fell_due_cut(on)
    return "(month < %s OR (month = %s AND payday < %s))", [day_param(previous), day_param(previous), day]


# wages.selectors.owed_lines: the lines owed on the day (fell due, then a gap, or days worked and no amount),
# and what each is owed (0 when the amount is unknown)
_OWED = "(gap > 0 OR (gap IS NULL AND days > 0))"
_OWED_AMOUNT = "CASE WHEN COALESCE(gap, 0) > 0 THEN COALESCE(gap, 0) ELSE 0 END"


def owed_on(today: datetime.date) -> tuple[str, list[Any]]:
    due, params = fell_due(today)
    return f"{due} AND {_OWED}", params


@cache
def _id_number_converters(vendor: str) -> tuple[Any, list[Callable[..., Any]]]:
    """How the ORM reads projects_worker.id_number (decrypted by the field)."""
    column = Worker._meta.get_field("id_number").get_col("w")
    return column, [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]


def _worker_rows(
    projects: QuerySet[Project], reads: list[Lines], today: datetime.date
) -> list[dict[int, list[Row]]]:
    """For each rule, per project: its workers (amount, months), largest amount first, at most LIST_LIMIT;
    each row also carries the project's totals (workers, amount, workers of unknown amount, first month).

    ONE statement for all the rules, written in SQL (issue 19: the ORM's took longer to build than to
    run): each rule's lines grouped by (project, worker), tagged with the rule's place and put together with
    UNION ALL; then window functions over (rule, project), ranked and cut in SQL. The values are read as
    the ORM reads them: dates and sums on SQLite, the decrypted ID numbers."""
    projects_sql, projects_params = sql_of(projects)
    q = connection.ops.quote_name
    lines = _LINES_SQL.format(projects=projects_sql)
    lines_params = [day_param(today), day_param(today), *projects_params]
    branches, params = [], []
    for tag, read in enumerate(reads):
        branches.append(
            _BRANCH_SQL.format(
                tag=tag, amount=read.amount, unknown=read.unknown, lines=lines, where=read.where,
                first=q("first"), last=q("last"),
            )
        )  # fmt: skip
        params += [*lines_params, *read.params]
    windows, union = _WINDOWS.format(first=q("first")), " UNION ALL ".join(branches)
    statement = (
        f"SELECT * FROM (SELECT t.*, {windows} FROM ({union}) t) r WHERE rank_ <= %s "
        "ORDER BY tag, project_id, rank_"
    )
    column, decrypt = _id_number_converters(connection.vendor)
    found: list[dict[int, list[Row]]] = [defaultdict(list) for _ in reads]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, LIST_LIMIT])
        for raw in cursor.fetchall():
            row = dict(zip(_KEYS, raw, strict=True))
            id_number = row["entry__worker__id_number"]
            for convert in decrypt:
                id_number = convert(id_number, column, connection)
            row["entry__worker__id_number"] = id_number
            for key in ("amount", "p_amount"):
                row[key] = as_decimal(row[key])
            for key in ("first", "last", "p_first"):
                row[key] = as_day(row[key])
            found[row["tag"]][row["project_id"]].append(row)
    return found


def worker_findings(
    by_project: dict[int, list[Row]], thresholds: Thresholds, summary: str
) -> dict[int, Finding]:
    """The findings of a wage rule: ``summary`` % {n, amount, first}, then one line per worker named."""
    big = int(thresholds.get("serious_workers") or 0)
    texts = _Texts(  # translated once, not once a row
        _("（其中%(u)s人应发金额未登记）"),
        _("……另有%(n)s人"),
        _("至%(m)s"),
        _("%(name)s（%(id)s）%(months)s，共%(k)s个月，%(amount)s元"),
    )

    def build(row: Row) -> Found:
        listed = by_project[row["pk"]]
        top = listed[0]
        workers = top["p_workers"]
        level = SERIOUS if big and workers >= big else None
        head = summary % {"n": workers, "amount": to_fen(top["p_amount"]), "first": f"{top['p_first']:%Y-%m}"}
        if top["p_unknown"]:
            head += texts.unknown % {"u": top["p_unknown"]}
        text = [head, *(_worker_line(w, texts) for w in listed)]
        if workers > len(listed):
            text.append(texts.more % {"n": workers - len(listed)})
        return level, "\n".join(text)

    return collect(({"pk": pk} for pk in by_project), build)


def evaluate_many(
    projects: QuerySet[Project], wanted: dict[str, Thresholds], today: datetime.date
) -> dict[str, tuple[dict[int, Finding], dict[int, str]]]:
    """The findings and the failed projects of each pay-line rule of ``wanted`` (code → thresholds), in
    one statement (the sweep evaluates them together: see RuleSpec.batch)."""
    reads = {code: _LINES[code](thresholds, today) for code, thresholds in wanted.items()}
    rows = _worker_rows(projects, list(reads.values()), today)
    result = {}
    for (code, read), by_project in zip(reads.items(), rows, strict=True):
        with capture_failures() as failures:
            found = worker_findings(by_project, wanted[code], read.summary)
        result[code] = (found, failures)
    return result


def payline_rule(code: str, **defaults: Any) -> Callable[[LinesOf], RuleFunc]:
    """Register a pay-line rule by the function of its lines: alone (a project's sweep, a close-out) it is
    its own statement; in a county sweep it shares one with the other pay-line rules (evaluate_many)."""

    def register(lines_of: LinesOf) -> RuleFunc:
        _LINES[code] = lines_of

        def evaluate(
            projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
        ) -> dict[int, Finding]:
            read = lines_of(thresholds, today)
            return worker_findings(_worker_rows(projects, [read], today)[0], thresholds, read.summary)

        evaluate.__name__ = evaluate.__qualname__ = lines_of.__name__
        return rule(code, batch=evaluate_many, **defaults)(evaluate)

    return register


class _Texts(NamedTuple):
    unknown: str
    more: str
    until: str
    worker: str


def _worker_line(row: Row, texts: _Texts) -> str:
    months = f"{row['first']:%Y-%m}"
    if row["last"] != row["first"]:
        months += texts.until % {"m": f"{row['last']:%Y-%m}"}
    return texts.worker % {
        "name": row["entry__worker__name"],
        "id": mask_id(row["entry__worker__id_number"]),
        "months": months,
        "k": row["months"],
        "amount": to_fen(row["amount"]),
    }


def _recent(today: datetime.date, thresholds: Thresholds) -> tuple[str, list[Any]]:
    return "month >= %s", [day_param(month_start(today, -(int(thresholds["lookback_months"]) - 1)))]


# ---- the rules ----

SERIOUS_WORKERS = law.GROUP_INCIDENT_WORKERS()


@payline_rule(
    "WORKER_UNPAID",
    name=gettext_lazy("工人工资逾期未发放"),
    description=gettext_lazy(
        "有出勤或应发工资的工人，工资支付日（加宽限期）后超过 days 天仍分文未发（银行退票的另见"
        "“银行代发失败未重新发放”）；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.WORKER_UNPAID_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def worker_unpaid(thresholds: Thresholds, today: datetime.date) -> Lines:
    owed, owed_params = owed_on(today)
    late, late_params = fell_due(today - datetime.timedelta(days=int(thresholds["days"])))
    where = f"{owed} AND {late} AND paid_by = 0 AND NOT (bank_status = '{FAILED}')"
    text = _("%(n)s名工人自%(first)s起工资逾期未发放，合计%(amount)s元")
    return Lines(
        where, [*owed_params, *late_params], _OWED_AMOUNT, text, "CASE WHEN gap IS NULL THEN 1 ELSE 0 END"
    )


@payline_rule(
    "WORKER_SHORT",
    name=gettext_lazy("工人工资未足额发放"),
    description=gettext_lazy(
        "工资支付日（加宽限期）后超过 days 天，实发少于应发减扣款；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.WORKER_UNPAID_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def worker_short(thresholds: Thresholds, today: datetime.date) -> Lines:
    owed, owed_params = owed_on(today)
    late, late_params = fell_due(today - datetime.timedelta(days=int(thresholds["days"])))
    text = _("%(n)s名工人自%(first)s起工资未足额发放，少发合计%(amount)s元")
    return Lines(f"{owed} AND {late} AND paid_by > 0", [*owed_params, *late_params], _OWED_AMOUNT, text)


@payline_rule(
    "CARD_MISMATCH",
    name=gettext_lazy("工资未发到工人本人银行卡"),
    description=gettext_lazy(
        "近 lookback_months 个月的工资发放到的银行卡与花名册登记的本人工资卡不一致（疑似代管工资卡）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def card_mismatch(thresholds: Thresholds, today: datetime.date) -> Lines:
    recent, params = _recent(today, thresholds)
    where = (
        f"{recent} AND net > 0 AND NOT (bank_status = '{FAILED}') AND NOT (card_hash = '')"
        " AND NOT (entry_card_hash = '') AND NOT (card_hash = entry_card_hash)"
    )
    text = _("%(n)s名工人自%(first)s起的工资发放到非本人登记的银行卡，合计%(amount)s元")
    return Lines(where, params, "net", text)


@payline_rule(
    "OFF_ACCOUNT",
    name=gettext_lazy("工资未通过专用账户发放"),
    description=gettext_lazy(
        "近 lookback_months 个月有工资以现金或专用账户以外的账户发放；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def off_account(thresholds: Thresholds, today: datetime.date) -> Lines:
    recent, params = _recent(today, thresholds)
    where = f"{recent} AND net > 0 AND via_account = FALSE AND NOT (bank_status = '{FAILED}')"
    text = _("%(n)s名工人自%(first)s起的工资未通过工资专用账户发放，合计%(amount)s元")
    return Lines(where, params, "net", text)


@payline_rule(
    "BANK_FAILED",
    name=gettext_lazy("银行代发失败未重新发放"),
    description=gettext_lazy(
        "银行代发结果为失败，超过 days 天未重新发放（无发放日期的按工资支付日计）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.BANK_FAILED_REPAY_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def bank_failed(thresholds: Thresholds, today: datetime.date) -> Lines:
    cut = today - datetime.timedelta(days=int(thresholds["days"]))
    due, due_params = fell_due(cut)
    where = f"(paid_on < %s OR (paid_on IS NULL AND {due})) AND bank_status = '{FAILED}'"
    text = _("%(n)s名工人自%(first)s起的银行代发失败，逾期未重新发放，合计%(amount)s元")
    return Lines(where, [day_param(cut), *due_params], "COALESCE(net, due - deductions, 0)", text)
