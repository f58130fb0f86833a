"""From when each stock of a report is known (DESIGN §9): a stock on a day before its history starts is
unknown — the figure is ``None``, printed "—" with a footnote — never zero.

The hazard stocks (hazards by level, projects by grade) are known from ``golive.hazards_known_from()``:
the go-live day or the first finished sweep. The case stock (open cases) is known from the go-live day
when a county went live with opening entries, and always otherwise (every case was entered as it came).
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

    def hazards_on(self, day: datetime.date) -> bool:
        """The hazard stock at the end of ``day``."""
        return known_on(self.hazards_from, day)


def known_stocks(start: datetime.date, end: datetime.date) -> Known:
    """Which stocks are known at the start and the end of [start, end] (two queries)."""
    hazards_from = hazards_known_from()
    live = GoLive.earliest()

    def cases(day: datetime.date) -> bool:
        return live is None or day >= live

    return Known(
        hazards_start=known_on(hazards_from, start - DAY),
        hazards_end=known_on(hazards_from, end),
        cases_start=cases(start - DAY),
        cases_end=cases(end),
        hazards_from=hazards_from,
    )
