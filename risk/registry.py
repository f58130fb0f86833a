"""The rule registry of the arrears-risk sweep: ``@rule`` registers a rule function with the defaults of its
RiskRule row, and ``collect`` turns a rule's aggregate rows into findings, logging and skipping a project
that fails. The rules themselves live in risk/rules/ (see its docstring for how to add one).
"""

import contextlib
import contextvars
import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from projects.models import Project

log = logging.getLogger(__name__)

GENERAL = Project.Grade.GENERAL
SERIOUS = Project.Grade.SERIOUS


class Finding(NamedTuple):
    """What a rule found on one project; severity None means the rule row's own (admin-editable) severity."""

    severity: int | None
    detail: str


RuleFunc = Callable[..., dict[int, Finding]]


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    description: str
    severity: int
    thresholds: dict = field(default_factory=dict)
    sort: int = 0
    func: RuleFunc | None = None


REGISTRY: dict[str, RuleSpec] = {}


def rule(code: str, *, name: str, description: str, severity: int = GENERAL, thresholds=None):
    """Register a rule function under ``code`` with the defaults of its RiskRule row."""

    def register(func: RuleFunc) -> RuleFunc:
        REGISTRY[code] = RuleSpec(
            code, name, description, severity, thresholds or {}, len(REGISTRY) + 1, func
        )
        return func

    return register


# ---- per-project failures: logged and skipped, the rule goes on ----

_failures: contextvars.ContextVar[dict | None] = contextvars.ContextVar("risk_failures", default=None)


@contextlib.contextmanager
def capture_failures():
    """Collect {project_id: error text} of projects a rule could not evaluate."""
    failures: dict[int, str] = {}
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


def collect(rows: Iterable[dict], build: Callable[[dict], tuple | None]) -> dict[int, Finding]:
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


# ---- how findings show dates ----


def day_text(value: datetime.date) -> str:
    return value.strftime("%Y-%m-%d")


def month_text(value: datetime.date) -> str:
    return value.strftime("%Y-%m")
