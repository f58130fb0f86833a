"""From when each stock of a report is known (DESIGN §9): a stock on a day before its history starts is
unknown — the figure is ``None``, printed "—" with a footnote — never zero.

The hazard stocks (hazards by level, projects by grade) are known from ``golive.hazards_known_from()``:
the go-live day or the first finished sweep. The stocks the go-live workbook opens — open cases, the
deposit balance (its opening entries are dated on the go-live day) — are known from the go-live day when a
county went live with one, and always otherwise (every case and entry was recorded as it came).
A stock at the start of a range is the state at the start of its first day, that is at the end of the
day before; a stock at the end is the state at the end of its last day.
"""

import datetime
from dataclasses import dataclass

from golive.models import GoLive
from golive.selectors import hazards_known_from, known_on

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Known:
    """Whether each stock is known at the range's start and at its end."""

    hazards_start: bool
    hazards_end: bool
    cases_start: bool
    cases_end: bool
    hazards_from: datetime.date | None
    live_from: datetime.date | None

    def hazards_on(self, day: datetime.date) -> bool:
        """The hazard stock at the end of ``day``."""
        return known_on(self.hazards_from, day)

    def opened_on(self, day: datetime.date) -> bool:
        """The stocks opened by the go-live workbook (cases, deposit balance) at the end of ``day``."""
        return self.live_from is None or day >= self.live_from


def known_stocks(start: datetime.date, end: datetime.date) -> Known:
    """Which stocks are known at the start and the end of [start, end] (two queries)."""
    live = GoLive.earliest()
    hazards_from = hazards_known_from(live)
    opened = [live is None or day >= live for day in (start - DAY, end)]
    return Known(
        hazards_start=known_on(hazards_from, start - DAY),
        hazards_end=known_on(hazards_from, end),
        cases_start=opened[0],
        cases_end=opened[1],
        hazards_from=hazards_from,
        live_from=live,
    )
