"""Generations of the records under a township: pages that cache what they read (the desk's figures, the
project list's rows) key their entries on them, and every write to a watched record replaces the
generation of its township(s) and the county-wide one, so the next load computes under a new key and the
old entry is never read again (it expires after its lifetime). A write another township's pages do not
read leaves their entries alone. Records without a township (the emergency fund, blacklist and grades,
go-live days, enterprises, departments) and finished background jobs (imports and sweeps write in bulk,
without signals: ``jobs.job_finish``) replace the ``shared`` generation, which every key reads.

Writes by ``QuerySet.update``/``bulk_create`` outside a job send no signal: a cached entry's lifetime
bounds how long a page may lag behind them (or the writer calls ``invalidate``). The cache is the Django
cache (Redis in production, the file cache without it); a dead Redis answers misses (settings:
IGNORE_EXCEPTIONS), so the pages compute as before.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .access import jurisdiction, township_paths

PREFIX = "gen:"
SHARED = PREFIX + "shared"  # records without a township: every key reads it
COUNTY_WIDE = PREFIX + "all"  # any write: keys over the whole county (or a department) read it

# The records the cached pages read; a save or delete of one replaces the generation of its township(s),
# reached through its queryset's ``township_lookup`` (none: the shared generation).
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


def _town_key(pk: int) -> str:
    return f"{PREFIX}t{pk}"


def stamp(townships: Iterable[int] | None) -> str:
    """The current generations under a set of townships (None or none: the whole county, or a department's
    records anywhere), joined: part of a cache key. A missing generation (never written, or evicted) gets a
    fresh one, so a key can never fall back to the value it had before a write. Two cache calls at most."""
    _reads.count = getattr(_reads, "count", 0) + 1
    towns = sorted(set(townships)) if townships is not None else []
    keys = [SHARED, *(_town_key(pk) for pk in towns)] if towns else [SHARED, COUNTY_WIDE]
    found = cache.get_many(keys)
    if missing := {k: uuid.uuid4().hex for k in keys if k not in found}:
        cache.set_many(missing, timeout=None)  # two processes racing each keep their own: one extra miss
        found.update(missing)
    return ".".join(found[k] for k in keys)


def cache_key(name: str, *parts: object) -> str:
    """A cache key for ``name`` whose length does not grow with the parts (an inspector of eight townships
    has nine generations): the parts hashed."""
    return f"{name}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:48]


LIFETIME = 5 * 60  # how long a cached entry may lag behind a write that sends no signal


def cached_html(request: HttpRequest, name: str, render: Callable[[], str], *, vary: str = "") -> SafeString:
    """``render()``, a fragment of a page (a list's table and page links) that depends on nothing but the
    records the user may see (``access.jurisdiction``), the request's parameters, the language and
    ``vary`` (the day, for a fragment that counts days), from the cache until a record under it changes.
    The fragment is our template's output, escaped there."""
    where = jurisdiction(request.user)
    if where is None:
        return mark_safe(render())
    scope, townships = where
    key = cache_key(name, scope, get_language(), vary, sorted(request.GET.lists()), stamp(townships))
    return mark_safe(cached(key, render))


def cached(key: str, compute: Callable[[], Any]) -> Any:
    """The value under ``key`` (a key naming the generations it depends on), else ``compute()`` stored there
    for ``LIFETIME``: one cache call on a hit, two on a miss."""
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=LIFETIME)
    return value


def _bump(keys: Iterable[str]) -> None:
    cache.set_many({k: uuid.uuid4().hex for k in keys}, timeout=None)


# stamps read by this thread (its connection's transaction is its own): a write after one replaces its
# generations again, so a page read later in the same transaction sees the write
_reads = threading.local()


class _Pending:
    """The generations written under in a transaction of this thread's connection, replaced once more when
    it commits: this is that commit's one callback, however many rows the transaction wrote."""

    def __init__(self) -> None:
        self.keys: set[str] = set()  # every generation written under: replaced on commit
        self.fresh: set[str] = set()  # those replaced since this thread last read a stamp
        self.reads = -1  # the thread's ``_reads`` count when ``fresh`` was last added to

    def __call__(self) -> None:
        _bump(self.keys)


def _pending() -> _Pending:
    """The current transaction's ``_Pending``: a new one, registered to run on commit, when the last one
    has run (committed), or is gone (rolled back, or made in a savepoint rolled back since)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_generations_pending", None)
    if pending is None or not any(func is pending for _sids, func, _robust in connection.run_on_commit):
        pending = _Pending()
        connection._generations_pending = pending
        transaction.on_commit(pending)
    return pending


def invalidate(township_ids: Iterable[int | None]) -> None:
    """Replace the generations of these townships (``None``: a record without one: every key) and the
    county-wide one, now and again when the transaction commits (a page loaded in between computed from
    the data before the write and cached it under the new generation).

    In a transaction, a generation already replaced in it is not replaced again now unless a page read the
    cache since (so a delete cascading over a thousand rows makes two cache calls, not two thousand), and
    the commit replaces them all at once."""
    keys = {COUNTY_WIDE} | {SHARED if pk is None else _town_key(pk) for pk in township_ids}
    if not transaction.get_connection().in_atomic_block:  # autocommit: the write is committed
        _bump(keys)
        return
    pending, reads = _pending(), getattr(_reads, "count", 0)
    if pending.reads != reads:  # a page read since: every generation is to be replaced again
        pending.fresh, pending.reads = set(), reads
    if stale := keys - pending.fresh:
        _bump(stale)
    pending.fresh |= keys
    pending.keys |= keys


def _townships_of(model: type[models.Model], instance: models.Model) -> set[int | None]:
    """The townships of a record, through its queryset's ``township_lookup`` and the related rows already
    loaded (never a query: write paths keep their query counts), and the ones it had when loaded (it may
    have moved); ``{None}`` when it has none or a hop is not loaded: the shared generation, every key."""
    if model._meta.label == "accounts.Township":
        return {instance.pk}
    paths = _PATHS.get(model, ())
    if not paths:
        return {None}
    towns: set[int | None] = set(instance.__dict__.get(_LOADED, ()))
    for path in paths:
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


_LOADED = "_generation_townships"  # the townships a record had when it was loaded or built
_PATHS: dict[type[models.Model], tuple[str, ...]] = {}  # watched model → its lookups to its township
_TOWNSHIP_FIELDS: dict[type[models.Model], tuple[str, ...]] = {}  # model → its own township attnames


def _on_load(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Remember the record's townships as loaded (never a query: a deferred field is skipped), so a save
    that moves it to another township also replaces the generation of the one it left."""
    values = instance.__dict__
    values[_LOADED] = {values[a] for a in _TOWNSHIP_FIELDS.get(sender, ()) if a in values}


def _on_write(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    invalidate(_townships_of(sender, instance))
    if sender in _TOWNSHIP_FIELDS:  # from now on it is where it was saved
        _on_load(sender, instance)


def connect() -> None:
    """Called from AccountsConfig.ready() (every model is loaded by then)."""
    for label in WATCHED:
        model = apps.get_model(label)
        _PATHS[model] = township_paths(model)
        # its own township fields (a township reached through another record moves with that record)
        if fields := tuple(f"{p}_id" for p in _PATHS[model] if "__" not in p):
            _TOWNSHIP_FIELDS[model] = fields
            post_init.connect(_on_load, sender=model, dispatch_uid=f"generations-load-{label}")
        post_save.connect(_on_write, sender=model, dispatch_uid=f"generations-save-{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"generations-delete-{label}")


def forget_all() -> None:
    """Every cached page recomputes on its next load (after a restore, say); touches the cache only."""
    _bump([SHARED, COUNTY_WIDE])
