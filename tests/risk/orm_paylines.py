"""The oracle of test_rule_sql.py: risk/rules/paylines.py as it was with the ORM (before issue 19 wrote its
statement in SQL), its rules not registered. Wage reconciliation rules (issue 16, DESIGN §8): the pay lines
checked worker by worker.

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
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from risk.registry import SERIOUS, Finding, Found, Row, RuleFunc, Thresholds, capture_failures, collect
from wages.models import PayLine
from wages.selectors import fell_due_before, owed_lines, to_fen
from wagewatch.lib import config, law
from wagewatch.lib.masking import mask_id
from wagewatch.lib.periods import month_start

LIST_LIMIT = 50  # workers named in one hazard's detail; the totals count them all
MONEY = DecimalField(max_digits=16, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
FAILED = PayLine.BankStatus.FAILED


# ---- the one statement of all the rules ----


class Lines(NamedTuple):
    """What a rule reads: its pay lines, the amount each line counts for, the lines of unknown amount (the
    worker counted, the amount 0), and the summary of its findings (% {n, amount, first})."""

    lines: QuerySet[PayLine]
    amount: Combinable
    summary: str
    unknown: Q | None = None


def _lines(projects: QuerySet[Project]) -> QuerySet[PayLine]:
    return PayLine.objects.filter(project__in=projects.order_by().values("pk")).order_by()


LinesOf = Callable[[QuerySet[Project], Thresholds, datetime.date], Lines]
_LINES: dict[str, LinesOf] = {}  # rule code → its lines, for the one statement of evaluate_many


def _grouped(read: Lines) -> QuerySet[PayLine]:
    """Per (project, worker): the amount, first and last month, lines, and whether any is of unknown
    amount (1/0)."""
    unknown = Max(Case(When(read.unknown or Q(pk__in=[]), then=1), default=0))
    worker = ("project_id", "entry_id", "entry__worker__name", "entry__worker__id_number")
    return read.lines.values(*worker).annotate(
        amount=Coalesce(Sum(read.amount, output_field=MONEY), ZERO),
        first=Min("month"),
        last=Max("month"),
        months=Count("pk"),
        unknown=unknown,
    )


# the windows over each rule's project (the rule's tag and the project): rank, then the project's totals
_WINDOWS = (
    ("rank", "ROW_NUMBER() OVER (PARTITION BY {p} ORDER BY {amount} DESC, {entry_id})", "months"),
    ("p_workers", "COUNT(*) OVER (PARTITION BY {p})", "months"),
    ("p_amount", "SUM({amount}) OVER (PARTITION BY {p})", "amount"),
    ("p_unknown", "SUM({unknown}) OVER (PARTITION BY {p})", "unknown"),
    ("p_first", "MIN({first}) OVER (PARTITION BY {p})", "first"),
)


def _worker_rows(reads: list[Lines]) -> list[dict[int, list[Row]]]:
    """For each rule, per project: its workers (amount, months), largest amount first, at most LIST_LIMIT;
    each row also carries the project's totals (workers, amount, workers of unknown amount, first month).

    ONE statement for all the rules: each rule's lines grouped by (project, worker) (compiled by the ORM),
    tagged with the rule's place and put together with UNION ALL; then window functions over (rule,
    project), ranked and cut in SQL. The values go through the ORM's converters of the first rule's columns
    (the same types in every rule): dates and sums on SQLite, the decrypted ID numbers."""
    grouped = [_grouped(read).order_by() for read in reads]
    compiler = grouped[0].query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    names = [alias for _expr, _sql, alias in compiler.select]
    q = connection.ops.quote_name
    columns = ", ".join(f"g.{q(n)}" for n in names)
    branches, all_params = [f"SELECT 0 AS tag, {columns} FROM ({sql}) g"], list(params)
    for tag, queryset in enumerate(grouped[1:], start=1):
        sql, params = queryset.query.sql_with_params()
        branches.append(f"SELECT {tag} AS tag, {columns} FROM ({sql}) g")
        all_params.extend(params)
    fill = {n: q(n) for n in names} | {"p": f"tag, {q('project_id')}"}
    windows = ", ".join(f"{text.format(**fill)} AS {q(alias)}" for alias, text, _like in _WINDOWS)
    statement = (
        f"SELECT * FROM (SELECT t.*, {windows} FROM ({' UNION ALL '.join(branches)}) t) r "
        f"WHERE {q('rank')} <= %s ORDER BY tag, {q('project_id')}, {q('rank')}"
    )
    select = [expr for expr, _sql, _alias in compiler.select]
    converters = compiler.get_converters(select)
    by_name = {names[i]: convert for i, convert in converters.items()}
    # the windows come back as the column they aggregate (rank and counts as months: no converter)
    convert_at = {1 + i: by_name[n] for i, n in enumerate(names) if n in by_name}
    for offset, (_alias, _text, like) in enumerate(_WINDOWS):
        if like in by_name:
            convert_at[1 + len(names) + offset] = by_name[like]
    keys = ["tag", *names, *(alias for alias, _text, _like in _WINDOWS)]
    found: list[dict[int, list[Row]]] = [defaultdict(list) for _ in reads]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*all_params, LIST_LIMIT])
        for raw in cursor.fetchall():
            values = list(raw)
            for i, (functions, expression) in convert_at.items():
                for function in functions:
                    values[i] = function(values[i], expression, connection)
            row = dict(zip(keys, values, strict=True))
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
    reads = {code: _LINES[code](projects, thresholds, today) for code, thresholds in wanted.items()}
    rows = _worker_rows(list(reads.values()))
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
            read = lines_of(projects, thresholds, today)
            return worker_findings(_worker_rows([read])[0], thresholds, read.summary)

        evaluate.__name__ = evaluate.__qualname__ = lines_of.__name__
        return evaluate

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


def _recent(today: datetime.date, thresholds: Thresholds) -> Q:
    return Q(month__gte=month_start(today, -(int(thresholds["lookback_months"]) - 1)))


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
def worker_unpaid(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> Lines:
    lines = (
        owed_lines(_lines(projects), on=today)
        .filter(fell_due_before(today - datetime.timedelta(days=int(thresholds["days"]))), paid_by=0)
        .exclude(bank_status=FAILED)
    )
    text = _("%(n)s名工人自%(first)s起工资逾期未发放，合计%(amount)s元")
    return Lines(lines, F("owed"), text, Q(gap__isnull=True))


@payline_rule(
    "WORKER_SHORT",
    name=gettext_lazy("工人工资未足额发放"),
    description=gettext_lazy(
        "工资支付日（加宽限期）后超过 days 天，实发少于应发减扣款；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.WORKER_UNPAID_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def worker_short(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> Lines:
    lines = owed_lines(_lines(projects), on=today).filter(
        fell_due_before(today - datetime.timedelta(days=int(thresholds["days"]))), paid_by__gt=0
    )
    text = _("%(n)s名工人自%(first)s起工资未足额发放，少发合计%(amount)s元")
    return Lines(lines, F("owed"), text)


@payline_rule(
    "CARD_MISMATCH",
    name=gettext_lazy("工资未发到工人本人银行卡"),
    description=gettext_lazy(
        "近 lookback_months 个月的工资发放到的银行卡与花名册登记的本人工资卡不一致（疑似代管工资卡）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def card_mismatch(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> Lines:
    lines = (
        _lines(projects)
        .filter(_recent(today, thresholds), net__gt=0)
        .exclude(bank_status=FAILED)
        .exclude(card_hash="")
        .exclude(entry__card_hash="")
        .exclude(card_hash=F("entry__card_hash"))
    )
    text = _("%(n)s名工人自%(first)s起的工资发放到非本人登记的银行卡，合计%(amount)s元")
    return Lines(lines, F("net"), text)


@payline_rule(
    "OFF_ACCOUNT",
    name=gettext_lazy("工资未通过专用账户发放"),
    description=gettext_lazy(
        "近 lookback_months 个月有工资以现金或专用账户以外的账户发放；涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"lookback_months": 3, "serious_workers": SERIOUS_WORKERS},
)
def off_account(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> Lines:
    lines = (
        _lines(projects)
        .filter(_recent(today, thresholds), net__gt=0, via_account=False)
        .exclude(bank_status=FAILED)
    )
    text = _("%(n)s名工人自%(first)s起的工资未通过工资专用账户发放，合计%(amount)s元")
    return Lines(lines, F("net"), text)


@payline_rule(
    "BANK_FAILED",
    name=gettext_lazy("银行代发失败未重新发放"),
    description=gettext_lazy(
        "银行代发结果为失败，超过 days 天未重新发放（无发放日期的按工资支付日计）；"
        "涉及 serious_workers 人以上为严重隐患。"
    ),
    thresholds={"days": config.BANK_FAILED_REPAY_DAYS(), "serious_workers": SERIOUS_WORKERS},
)
def bank_failed(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> Lines:
    cut = today - datetime.timedelta(days=int(thresholds["days"]))
    attempted_long_ago = Q(paid_on__lt=cut) | (Q(paid_on__isnull=True) & fell_due_before(cut))
    lines = _lines(projects).filter(attempted_long_ago, bank_status=FAILED)
    amount = Coalesce("net", F("due") - F("deductions"), ZERO)
    text = _("%(n)s名工人自%(first)s起的银行代发失败，逾期未重新发放，合计%(amount)s元")
    return Lines(lines, amount, text)
