"""The desk's figures cached per scope and day (issue 19): ``report_data`` costs 39 queries, the desk is the
landing page of every user, and its figures change only when the records under them do.

The key names the scope (``Scope.key``: the county, one township, an inspector's townships, a department),
the range and a *generation* per township: every write to a record the figures read (``WATCHED``) replaces
the generation of its township(s) and the county-wide one, so the next load computes under a new key and the
old entry is never read again (it expires after ``LIFETIME``). A write another township's desk does not
read leaves that desk's entry alone. Records without a township (the emergency fund, blacklist and grades,
go-live days, townships and departments themselves) and finished background jobs (imports and sweeps write
in bulk, without signals) replace the ``shared`` generation, which every key reads.

Writes by ``QuerySet.update``/``bulk_create`` outside a job send no signal: ``LIFETIME`` bounds how long the
desk may lag behind them. The cache is the Django cache (Redis in production, the file cache without it);
a dead Redis answers misses (settings: IGNORE_EXCEPTIONS), so the desk computes as before.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from wagewatch.accounts.access import ScopedQuerySet
from wagewatch.accounts.models import JobStatus

from .figures.scope import COUNTY, DEPARTMENT, Scope

LIFETIME = 5 * 60
PREFIX = "desk:"
SHARED = PREFIX + "gen:shared"  # records without a township: every scope reads it
COUNTY_WIDE = PREFIX + "gen:all"  # any write: the county's and the departments' desks read it

# The records ``report_data`` reads (reports/figures); a save or delete of one replaces the generation of
# its township(s), reached through its queryset's ``township_lookup`` (none: the shared generation).
WATCHED = (
    "projects.Project", "projects.Hazard", "projects.Inspection", "projects.Payroll", "projects.RosterEntry",
    "projects.Enterprise", "projects.Subcontract",
    "complaints.Complaint", "complaints.CaseEvent", "complaints.EnforcementOrder",
    "wages.PayLine",
    "deposits.WageDeposit", "deposits.Guarantee", "deposits.DepositEntry", "deposits.EmergencyAdvance",
    "deposits.FundEntry",
    "blacklist.BlacklistEntry", "blacklist.IntegrityGrade",
    "golive.GoLive",
    "accounts.Township", "accounts.Department",
)  # fmt: skip
# background jobs that write in bulk: when one finishes, every desk recomputes
JOBS = ("projects.ImportJob", "projects.SweepRun")


def _town_key(pk: int) -> str:
    return f"{PREFIX}gen:t{pk}"


def _generation_keys(scope: Scope) -> list[str]:
    if scope.kind in (COUNTY, DEPARTMENT) or not scope.townships:
        return [SHARED, COUNTY_WIDE]
    return [SHARED, *(_town_key(pk) for pk in sorted(scope.townships))]


def _generations(keys: list[str]) -> list[str]:
    """The current generation of each key; a missing one (never written, or evicted) gets a fresh one, so a
    key can never fall back to the value it had before a write."""
    found = cache.get_many(keys)
    missing = {k: uuid.uuid4().hex for k in keys if k not in found}
    for key, value in missing.items():
        if not cache.add(key, value, timeout=None):  # another process set it first: read his
            value = cache.get(key) or value
        found[key] = value
    return [found[k] for k in keys]


def desk_figures(scope: Scope, start: datetime.date, end: datetime.date, compute: Callable[[], dict]) -> dict:
    """``compute()`` (the report data of ``scope`` from ``start`` to ``end``), from the cache when no
    record under it changed since it was computed."""
    keys = _generation_keys(scope)
    key = f"{PREFIX}{scope.key}:{start:%Y%m%d}-{end:%Y%m%d}:" + ".".join(_generations(keys))
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, timeout=LIFETIME)
    return data


def _bump(keys: list[str]) -> None:
    cache.set_many({k: uuid.uuid4().hex for k in keys}, timeout=None)


def invalidate(township_ids: Iterable[int | None]) -> None:
    """Replace the generations of these townships (``None``: a record without one: every scope) and the
    county-wide one, now and again when the transaction commits (a desk loaded in between computed from
    the data before the write and cached it under the new generation)."""
    keys = [COUNTY_WIDE] + [SHARED if pk is None else _town_key(pk) for pk in set(township_ids)]
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def _townships_of(instance: models.Model) -> set[int | None]:
    """The townships of a record, through its queryset's ``township_lookup`` and the related rows already
    loaded (never a query: write paths keep their query counts); ``{None}`` when it has none or a hop is
    not loaded: the shared generation, every desk."""
    if type(instance)._meta.label == "accounts.Township":
        return {instance.pk}
    manager_qs = type(instance)._default_manager.all()
    lookup = getattr(manager_qs, "township_lookup", None) if isinstance(manager_qs, ScopedQuerySet) else None
    if not lookup:
        return {None}
    towns: set[int | None] = set()
    for path in (lookup,) if isinstance(lookup, str) else lookup:
        *hops, last = path.split("__")
        obj: Any = instance
        for hop in hops:
            if not obj._meta.get_field(hop).is_cached(obj):
                return {None}
            obj = getattr(obj, hop)
            if obj is None:
                break
        else:
            towns.add(getattr(obj, f"{last}_id"))
    return towns or {None}


def _on_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    invalidate(_townships_of(instance))


def _on_job(sender, instance, **kwargs) -> None:
    if instance.status == JobStatus.DONE:
        invalidate([None])


def connect() -> None:
    """Called from ReportsConfig.ready()."""
    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_write, sender=model, dispatch_uid=f"deskcache-save-{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"deskcache-delete-{label}")
    for label in JOBS:
        post_save.connect(_on_job, sender=apps.get_model(label), dispatch_uid=f"deskcache-job-{label}")


def forget_all() -> None:
    """Every desk recomputes on its next load (after a restore, say); touches the cache only."""
    _bump([SHARED, COUNTY_WIDE])
