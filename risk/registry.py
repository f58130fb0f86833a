"""The rule registry of the arrears-risk sweep: ``@rule`` registers a rule function with the defaults of its
RiskRule row, and ``collect`` turns a rule's aggregate rows into findings, logging and skipping a project
that fails. The rules themselves live in risk/rules/ (see its docstring for how to add one).
"""

import contextlib
import contextvars
import datetime
import logging
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import QuerySet

from projects.models import Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

log = logging.getLogger(__name__)

GENERAL = Project.Grade.GENERAL
SERIOUS = Project.Grade.SERIOUS


class Finding(NamedTuple):
    """What a rule found on one project; severity None means the rule row's own (admin-editable) severity."""

    severity: int | None
    detail: str


Thresholds = dict[str, Any]  # a RiskRule row's thresholds (JSON)
# a rule: (projects, thresholds, today) -> {project_id: Finding}
RuleFunc = Callable[[QuerySet[Project], Thresholds, datetime.date], dict[int, Finding]]
# rules evaluated together (one statement for all): (projects, {code: thresholds}, today) → {code: (findings,
# the projects that failed)}
Failed = dict[int, str]  # project_id → error text, of the projects a rule could not evaluate
BatchFunc = Callable[
    [QuerySet[Project], dict[str, Thresholds], datetime.date], dict[str, tuple[dict[int, Finding], Failed]]
]
Row = Mapping[str, Any]  # one aggregate row of a rule's query, with the project's "pk"
Found = tuple[int | None, str] | None  # what a rule's ``build`` makes of a row: (severity, detail), or None


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: "StrOrPromise"
    description: "StrOrPromise"
    severity: int
    thresholds: Thresholds = field(default_factory=dict)
    sort: int = 0
    func: RuleFunc | None = None
    # a sweep evaluates the enabled rules of one batch in one call (func still evaluates the rule alone)
    batch: BatchFunc | None = None


REGISTRY: dict[str, RuleSpec] = {}


def rule(
    code: str,
    *,
    name: "StrOrPromise",
    description: "StrOrPromise",
    severity: int = GENERAL,
    thresholds: Thresholds | None = None,
    batch: BatchFunc | None = None,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under ``code`` with the defaults of its RiskRule row (``batch``: the function
    a sweep evaluates it with, together with the other enabled rules of that batch)."""

    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY[code] = RuleSpec(
            code, name, description, severity, thresholds or {}, len(REGISTRY) + 1, func, batch
        )
        return func

    return register


# ---- per-project failures: logged and skipped, the rule goes on ----

_failures: contextvars.ContextVar[dict[int, str] | None] = contextvars.ContextVar(
    "risk_failures", default=None
)


@contextlib.contextmanager
def capture_failures() -> Iterator[dict[int, str]]:
    """Collect {project_id: error text} of projects a rule could not evaluate."""
    failures: dict[int, str] = {}
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


def collect(rows: Iterable[Row], build: Callable[[Row], Found]) -> dict[int, Finding]:
    """Findings of ``build`` over aggregate rows (each with "pk"); a row that raises is logged and skipped."""
    found: dict[int, Finding] = {}
    for row in rows:
        try:
            result = build(row)
        except Exception as exc:  # one bad project must not stop the sweep
            log.warning("risk rule failed for project %s", row.get("pk"), exc_info=True)
            failures = _failures.get()
            if failures is not None:
                failures[row["pk"]] = f"{type(exc).__name__}: {exc}"[:300]
            continue
        if result is not None:
            found[row["pk"]] = Finding(*result)
    return found


# ---- rules written in SQL ----
#
# The project-level rules are hand-written statements (portable to SQLite), not ORM querysets: Django spent
# more time building and compiling a rule's queryset than PostgreSQL spent running it (issue 19). Each is
# checked against the ORM composition of projects.obligations it restates (tests/risk/test_rule_sql.py).

# the columns of a project the rules read (sql_of's derived table)
PROJECT_COLUMNS = ("id", "start_date", "contract_date", "notice_board", "contractor_id")
_compiled: "weakref.WeakKeyDictionary[QuerySet[Project], tuple[str, tuple[Any, ...]]]"
_compiled = weakref.WeakKeyDictionary()


def sql_of(projects: QuerySet[Project]) -> tuple[str, tuple[Any, ...]]:
    """``projects`` as (SQL, params) of a derived table of PROJECT_COLUMNS, for ``FROM ({sql}) p``: compiled
    once for a queryset however many rules read it (a simple subquery the planner pulls up: no self-join)."""
    found = _compiled.get(projects)
    if found is None:
        sql, params = projects.order_by().values(*PROJECT_COLUMNS).query.sql_with_params()
        found = _compiled[projects] = (sql, tuple(params))
    return found


# ---- how findings show dates ----


def day_text(value: datetime.date) -> str:
    return value.strftime("%Y-%m-%d")


def month_text(value: datetime.date) -> str:
    return value.strftime("%Y-%m")
