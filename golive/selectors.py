"""From when a stock's history is known (DESIGN §9): a stock on a day before it is shown as unknown."""

import datetime

from django.utils import timezone

from projects.models import SweepRun
from wagewatch.accounts.models import JobStatus


def hazards_known_from(go_live: datetime.date | None) -> datetime.date | None:
    """The first day the open hazards are known: the go-live day or the first finished sweep, whichever
    is earlier; None when neither exists (no hazard stock is known yet). ``go_live`` is
    ``GoLive.earliest()``, read once by the caller (which needs it for the other stocks too); one query."""
    first_sweep = (
        SweepRun.objects.filter(status=JobStatus.DONE, finished_at__isnull=False)
        .order_by("finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    days = [d for d in (go_live, first_sweep and timezone.localdate(first_sweep)) if d]
    return min(days) if days else None


def known_on(known_from: datetime.date | None, day: datetime.date) -> bool:
    """Whether a stock with history from ``known_from`` is known at the end of ``day``."""
    return known_from is not None and day >= known_from
