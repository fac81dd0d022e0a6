"""What the KPIs read from the warehouse for one authority-month, and its populations.

One read per table covers the month, the rolling 12 months before it, the month a year
earlier (stability) and the financial year to date; every family works on these frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from workforce.config import AuthorityConfig
from workforce.periods import Period, period_range
from workforce.warehouse.frames import read_frame, read_months

WINDOW_MONTHS = 12
# What the retention scheme needs of the months before the window.
HISTORY_COLUMNS = ["worker_ref", "role", "service_start_date", "leave_date",
                   "retention_option", "month"]


@dataclass(frozen=True, eq=False)
class Facts:
    authority_code: str
    period: Period
    settings: AuthorityConfig
    hr: pd.DataFrame  # with ``in_post``: in post at the end of the row's month
    establishment: pd.DataFrame
    agency: pd.DataFrame  # the reporting month's lines
    agency_weeks: pd.DataFrame  # spend by month and week ending, for the rolling window
    caseloads: pd.DataFrame
    eligibility_history: pd.DataFrame  # HR rows since the retention scheme started
    first_month: int  # Period.index of the first month with HR rows
    loads: dict[str, str]  # period → load id

    @property
    def snapshot(self) -> pd.Timestamp:
        return pd.Timestamp(self.period.end)

    @property
    def load_id(self) -> str:
        return self.loads[str(self.period)]

    def loaded(self, period: Period) -> bool:
        return str(period) in self.loads

    def window(self) -> list[Period]:
        """The months of the rolling 12 months ending with the reporting month."""
        return period_range(self.period.shift(1 - WINDOW_MONTHS), self.period)

    def year_to_date(self) -> list[Period]:
        return period_range(Period(self.period.financial_year, 4), self.period)

    def load_ids(self, periods: list[Period]) -> str:
        return " ".join(self.loads[str(p)] for p in periods if self.loaded(p))

    def hr_of(self, period: Period) -> pd.DataFrame:
        return months_of(self.hr, period)

    def establishment_of(self, period: Period) -> pd.DataFrame:
        return months_of(self.establishment, period)

    def agency_lines(self) -> pd.DataFrame:
        """The reporting month's lines that count for it."""
        return inside_month(self.agency, self.period)

    def agency_spend_pence(self) -> dict[int, int]:
        """Agency spend of each loaded month of the window (by ``Period.index``): every line
        that counts for its month, qualified or not."""
        weeks = self.agency_weeks
        counts = counts_for(weeks["week_ending"], weeks["month"])
        return {int(m): int(pence) for m, pence in
                weeks[counts].groupby("month")["line_cost_pence"].sum().items()}


def counts_for(week_ending: pd.Series, month: int | pd.Series) -> pd.Series:
    """Whether a line counts for a month (``Period.index``): its week ends inside the month
    (docs/kpi-definitions.md)."""
    return month_index(week_ending) == month


def inside_month(agency: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The lines that count for the month."""
    return agency[counts_for(agency["week_ending"], period.index)]


def months_of(frame: pd.DataFrame, first: Period, last: Period | None = None) -> pd.DataFrame:
    """The rows of the months from ``first`` to ``last`` (or of ``first`` alone). Facts are
    read in month order, so this is a slice of the frame, not a search and a copy."""
    month = frame["month"].to_numpy()
    start = np.searchsorted(month, first.index, side="left")
    stop = np.searchsorted(month, (last or first).index, side="right")
    return frame.iloc[start:stop]


def read_facts(
    connection: Connection, authority_code: str, period: Period, settings: AuthorityConfig
) -> Facts:
    window_start = period.shift(-WINDOW_MONTHS)  # the month a year before, for stability
    keys = {"authority_code": authority_code, "first": str(window_start), "last": str(period)}
    loads = read_frame(connection, "kpi_loads", keys)
    hr = read_months(connection, "kpi_hr_staff", authority_code, window_start, period)
    hr["in_post"] = in_post_at_month_end(hr)
    # Rows from before the scheme started cannot make anyone eligible, so this read does
    # not grow with the years loaded before it.
    earlier = read_months(connection, "kpi_hr_staff", authority_code,
                          Period.containing(settings.retention_scheme.start_date),
                          window_start.shift(-1), HISTORY_COLUMNS)
    first = read_frame(connection, "kpi_first_month", keys)["month"]
    return Facts(
        authority_code=authority_code,
        period=period,
        settings=settings,
        hr=hr,
        establishment=read_months(connection, "kpi_establishment", authority_code,
                                  window_start, period),
        agency=read_months(connection, "kpi_agency_spend", authority_code, period, period),
        agency_weeks=read_months(connection, "kpi_agency_weeks", authority_code,
                                 window_start, period),
        caseloads=read_months(connection, "kpi_caseloads", authority_code, period, period),
        eligibility_history=pd.concat([earlier, hr[earlier.columns]], ignore_index=True),
        first_month=int(first.iloc[0]) if first.notna().all() else period.index,
        loads=dict(zip(loads["period"], loads["load_id"], strict=True)),
    )


def month_index(dates: pd.Series) -> pd.Series:
    """``Period.index`` of the month each date falls in."""
    return dates.dt.year * 12 + dates.dt.month - 1


# Populations (docs/kpi-definitions.md, "Dates and populations")

def in_post_at_month_end(hr: pd.DataFrame) -> pd.Series:
    """Assignments started by the last day of their row's month and not ended by it (a
    leave date on that day has left)."""
    # Looked up by reindexing (several times quicker than ``map`` with a dict), typed as
    # dates even with no rows (a council with nothing loaded).
    ends = pd.Series({m: Period.from_index(m).end for m in hr["month"].unique()},
                     dtype="datetime64[us]")
    day = ends.reindex(hr["month"]).to_numpy()
    return (hr["service_start_date"] <= day) & (hr["leave_date"].isna()
                                                 | (hr["leave_date"] > day))


def in_post(hr: pd.DataFrame) -> pd.DataFrame:
    return hr[hr["in_post"]]


def social_workers_in_post(hr: pd.DataFrame) -> pd.DataFrame:
    return hr[hr["in_post"] & hr["qualified_sw"]]


def largest_assignment_first(hr: pd.DataFrame) -> pd.DataFrame:
    """Assignments by FTE, largest first, equal ones by post: a person counted once counts in
    the team of their first row. Never left to the order rows come back from the warehouse,
    which follows the pseudonyms, so another key would move workers between teams."""
    return hr.sort_values(["fte", "post_id"], ascending=[False, True], kind="stable")


def social_work_posts(establishment: pd.DataFrame, *, active_only: bool = False) -> pd.DataFrame:
    """Funded posts that are not deleted (nor frozen, with ``active_only``), role not other."""
    # Compared as numpy arrays: pandas' comparison of text with a value is several times
    # slower on a year of a large council's posts.
    status, role = establishment["status"].to_numpy(), establishment["role"].to_numpy()
    keep = establishment["funded"].to_numpy() & (status != "deleted") & (role != "other")
    if active_only:
        keep &= status == "active"
    return establishment[keep]


def years_before(day: pd.Timestamp, years: int) -> pd.Timestamp:
    """The same date ``years`` earlier (29 February becomes 28 February)."""
    date = day.date()
    try:
        return pd.Timestamp(date.replace(year=date.year - years))
    except ValueError:
        return pd.Timestamp(dt.date(date.year - years, 2, 28))


def contains_leap_day(start_exclusive: pd.Timestamp, end: pd.Timestamp) -> bool:
    for year in range(start_exclusive.year, end.year + 1):
        try:
            leap_day = pd.Timestamp(dt.date(year, 2, 29))
        except ValueError:
            continue
        if start_exclusive < leap_day <= end:
            return True
    return False
