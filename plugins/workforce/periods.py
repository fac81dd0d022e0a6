"""Reporting months and financial years (April to March)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, written ``YYYY-MM``; its snapshot date is the last day."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = PERIOD_PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"expected a month as YYYY-MM, found {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def index(self) -> int:
        """Months since the start of year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    @property
    def financial_year(self) -> int:
        """The year the financial year starts in: 2024 for April 2024 to March 2025."""
        return self.year if self.month >= 4 else self.year - 1


def period_for_run(logical_date: dt.date) -> Period:
    """The month a monthly run reports on: the one before the month it runs in.

    Derived only from the run's logical date, never from today, so a backfill of a past
    run processes exactly the month the original run did."""
    return Period.containing(logical_date).shift(-1)


def period_range(first: Period, last: Period) -> list[Period]:
    count = (last.year - first.year) * 12 + last.month - first.month
    return [first.shift(i) for i in range(count + 1)]
