"""Rules on wages (DESIGN §2 obligations 3 and 6): paid every month, to everyone who worked, at least the
minimum wage."""

import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import obligations
from projects.models import Project
from wagewatch.lib import law
from wagewatch.lib.periods import month_start, months_between
from wagewatch.lib.rawsql import as_day, as_decimal, day_param, fetch

from ..registry import SERIOUS, Finding, Found, Row, Thresholds, collect, month_text, rule, sql_of

# the project's latest payroll month paid by today (one a month: payroll_once_per_month), kept when
# {condition} (on its columns as z.…); {columns} then read for the projects found only
_LATEST_PAID = """SELECT {column} FROM projects_payroll z
  WHERE z.project_id = p.id AND z.paid_on IS NOT NULL AND z.paid_on <= %s ORDER BY z.month DESC LIMIT 1"""


def _latest_paid_sql(columns: tuple[str, ...], condition: str) -> str:
    read = ", ".join(f"({_LATEST_PAID.format(column='z.' + c)})" for c in columns)
    hit = _LATEST_PAID.format(column=f"CASE WHEN {condition} THEN 1 ELSE 0 END")
    return f"SELECT p.id, {read} FROM ({{projects}}) p WHERE ({hit}) = 1"


PAYROLL_SHORT_SQL = _latest_paid_sql(("month", "attended", "paid"), "z.paid < z.attended")
LOW_PAY_SQL = _latest_paid_sql(
    ("month", "gross", "paid"), "z.paid > 0 AND z.gross < z.paid * CAST(%s AS NUMERIC)"
)


@cache
def _payroll_late_sql(vendor: str) -> tuple[str, tuple[Any, ...]]:
    """PAYROLL_LATE's statement: the months paid in the window against the months due, counted from the
    later of the window's first month and the start (the month's number from the vendor's EXTRACT)."""
    year, year_params = connection.ops.date_extract_sql("year", "x.counted_from", ())
    month, month_params = connection.ops.date_extract_sql("month", "x.counted_from", ())
    sql = f"""
SELECT id, start_date, paid_months FROM (
  SELECT p.id, p.start_date,
    CASE WHEN p.start_date > %s THEN p.start_date ELSE %s END AS counted_from,
    (SELECT COUNT(*) FROM projects_payroll y WHERE y.project_id = p.id AND y.month >= %s AND y.month <= %s
      AND y.paid_on IS NOT NULL AND y.paid_on <= %s) AS paid_months
  FROM ({{projects}}) p WHERE p.start_date < %s) x
WHERE paid_months < %s - ({year} * 12 + {month})
"""
    return sql, (*year_params, *month_params)


@rule(
    "PAYROLL_LATE",
    name=gettext_lazy("工资未按月发放"),
    description=gettext_lazy("M月工资至M+1月末仍未发放（回看 lookback_months 个月）。"),
    severity=SERIOUS,
    thresholds={"lookback_months": 12},
)
def payroll_late(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    last_due = obligations.wages_due_month(today)
    window = month_start(last_due, -(int(thresholds["lookback_months"]) - 1))
    # the months due (as build counts them) in SQL too, so only the late projects' rows come back
    projects_sql, params = sql_of(projects)
    first, due_end = day_param(window), day_param(month_start(last_due, 1))  # obligations.wages_due_q
    sql, extract_params = _payroll_late_sql(connection.vendor)
    found = fetch(
        sql.format(projects=projects_sql),
        [first, first, first, day_param(last_due), day_param(today), *params, due_end,
         last_due.year * 12 + last_due.month + 1, *extract_params],
    )  # fmt: skip
    rows = ({"pk": pk, "start_date": as_day(start), "paid_months": n} for pk, start, n in found)

    text = _("截至%(m)s，应发放的%(due)s个月工资中有%(n)s个月逾期未发放")

    def build(r: Row) -> Found:
        due = months_between(max(window, month_start(r["start_date"])), last_due)
        unpaid = due - min(r["paid_months"], due)
        if unpaid <= 0:
            return None
        return None, text % {"m": month_text(last_due), "due": due, "n": unpaid}

    return collect(rows, build)


@rule(
    "PAYROLL_SHORT",
    name=gettext_lazy("工资未足额发放到人"),
    description=gettext_lazy(
        "最近一次发放的实发人数少于出勤人数；未发人数达出勤人数 serious_share 以上为严重隐患。"
    ),
    thresholds={"serious_share": "0.10"},
)
def payroll_short(
    projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date
) -> dict[int, Finding]:
    share = Decimal(str(thresholds["serious_share"]))
    projects_sql, params = sql_of(projects)
    on = day_param(today)
    found = fetch(PAYROLL_SHORT_SQL.format(projects=projects_sql), [on, on, on, *params, on])
    rows = (
        {"pk": pk, "p_month": as_day(month), "p_attended": attended, "p_paid": paid}
        for pk, month, attended, paid in found
    )

    text = _("%(m)s工资：出勤%(a)s人，实发%(p)s人，%(u)s人未发放")

    def build(r: Row) -> Found:
        unpaid = r["p_attended"] - r["p_paid"]
        level = SERIOUS if Decimal(unpaid) >= share * r["p_attended"] else None
        month = month_text(r["p_month"])
        return level, text % {"m": month, "a": r["p_attended"], "p": r["p_paid"], "u": unpaid}

    return collect(rows, build)


@rule(
    "LOW_PAY",
    name=gettext_lazy("人均工资低于最低工资标准"),
    description=gettext_lazy(
        "最近一次发放的人均应发工资低于当地月最低工资标准（minimum_wage 留空则用系统设置）。"
    ),
    thresholds={"minimum_wage": None},
)
def low_pay(projects: QuerySet[Project], thresholds: Thresholds, today: datetime.date) -> dict[int, Finding]:
    minimum = Decimal(str(thresholds.get("minimum_wage") or law.MINIMUM_WAGE_MONTHLY()))
    projects_sql, params = sql_of(projects)
    on = day_param(today)
    found = fetch(LOW_PAY_SQL.format(projects=projects_sql), [on, on, on, *params, minimum, on])
    rows = (
        {"pk": pk, "p_month": as_day(month), "p_gross": as_decimal(gross), "p_paid": paid}
        for pk, month, gross, paid in found
    )

    text = _("%(m)s人均应发工资%(a)s元，低于最低工资标准%(min)s元")

    def build(r: Row) -> Found:
        average = (Decimal(r["p_gross"]) / r["p_paid"]).quantize(Decimal("0.01"))
        return None, text % {"m": month_text(r["p_month"]), "a": average, "min": minimum}

    return collect(rows, build)
