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
from workforce.warehouse.sql import query

WINDOW_MONTHS = 12
DATE_COLUMNS = ("service_start_date", "leave_date", "week_ending", "placement_start_date")
FLAG_COLUMNS = ("qualified_sw", "case_holding", "funded")
NUMBER_COLUMNS = ("fte", "sickness_days", "budgeted_fte", "annual_cost_pence", "hours",
                  "line_cost_pence", "open_cases", "filled_fte")


@dataclass(frozen=True, eq=False)
class Facts:
    """Rows for the reporting month, and for earlier months only what the measures use of
    them, summed in SQL where a sum is all they use: the months before are most of the data,
    and reading them row by row was most of the cost."""

    authority_code: str
    period: Period
    settings: AuthorityConfig
    hr: pd.DataFrame  # the month and the month a year before; ``in_post`` at month end
    establishment: pd.DataFrame  # the month's posts
    post_fill: pd.DataFrame  # the year to date's social work posts with their filled FTE
    fte_by_role: pd.DataFrame  # FTE in post at each month end of the year to date, by role
    movers: pd.DataFrame  # window social worker rows starting or leaving in the window
    absence: pd.DataFrame  # window sickness days of social workers, by team
    team_areas: dict[str, str]  # each team's latest service area in the window
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
        """HR rows of the reporting month or of the month a year before it."""
        return months_of(self.hr, period)

    def agency_lines(self) -> pd.DataFrame:
        """The reporting month's lines that count for it."""
        return inside_month(self.agency, self.period)

    def agency_spend_pence(self) -> dict[int, int]:
        """Agency spend of each loaded month of the window (by ``Period.index``): every line
        that counts for its month, qualified or not."""
        weeks = self.agency_weeks
        counts = month_index(weeks["week_ending"]) == weeks["month"]  # see inside_month
        return {int(m): int(pence) for m, pence in
                weeks[counts].groupby("month")["line_cost_pence"].sum().items()}


def inside_month(agency: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Lines with a week ending inside the month (docs/kpi-definitions.md)."""
    return agency[agency["week_ending"].between(pd.Timestamp(period.start),
                                                pd.Timestamp(period.end))]


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
    scheme_start = Period.containing(settings.retention_scheme.start_date)
    first = period.shift(-WINDOW_MONTHS)  # the month a year before: stability
    keys = {
        "authority_code": authority_code,
        "first": str(first),
        "year_ago": str(first),
        "window_first": str(period.shift(1 - WINDOW_MONTHS)),
        "year_start": str(Period(period.financial_year, 4)),
        "last": str(period),
    }

    def read(name: str, **params: str) -> pd.DataFrame:
        return read_frame(connection, name, {**keys, **params})

    hr = read("kpi_hr_staff")
    hr["in_post"] = in_post_at_month_end(hr)
    areas = read("kpi_team_areas").drop_duplicates("team_code", keep="last")
    loads = read("kpi_loads", since=str(min(first, scheme_start)))
    first_loaded = read("kpi_first_month")["month"]
    return Facts(
        authority_code=authority_code,
        period=period,
        settings=settings,
        hr=hr,
        establishment=read("kpi_establishment"),
        post_fill=post_fill(read("kpi_year_posts"), read("kpi_post_fill")),
        fte_by_role=read("kpi_fte_by_role"),
        movers=read("kpi_window_movers"),
        absence=read("kpi_window_absence"),
        team_areas=dict(zip(areas["team_code"], areas["service_area"], strict=True)),
        agency=read("kpi_agency_spend"),
        agency_weeks=read("kpi_agency_weeks"),
        caseloads=read("kpi_caseloads", period=str(period)),
        eligibility_history=read("kpi_eligibility_history", scheme_start=str(scheme_start)),
        first_month=int(first_loaded.iloc[0]) if first_loaded.notna().all() else period.index,
        loads=dict(zip(loads["period"], loads["load_id"], strict=True)),
    )


def post_fill(posts: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    """Each post of each month with ``filled_fte``: the FTE of the social workers in post
    assigned to it at the month's end (0 when none)."""
    filled = assigned.groupby(["month", "post_id"])["fte"].sum()
    keys = pd.MultiIndex.from_frame(posts[["month", "post_id"]])
    return posts.assign(filled_fte=filled.reindex(keys, fill_value=0.0).to_numpy())


def read_frame(connection: Connection, name: str, params: dict[str, str]) -> pd.DataFrame:
    """The query's rows straight from the database driver's cursor, typed alike on SQLite
    and PostgreSQL. Text stays as Python strings: hashing them (``isin``, ``groupby``) is
    several times faster than on Arrow-backed strings for frames of this size."""
    result = connection.execute(query(name), params)
    columns = list(result.keys())
    rows = result.cursor.fetchall()  # skips building a SQLAlchemy Row for every row
    result.close()
    return _typed(pd.DataFrame(rows, columns=columns, dtype=object))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The same types from SQLite (text dates, 0/1 flags) as from PostgreSQL, and each
    row's month as a number (``Period.index``) for cheap comparison."""
    for column in frame.columns.intersection(DATE_COLUMNS):
        # Both store dates as ISO text or date objects; an explicit format is the fast path.
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    for column in frame.columns.intersection(FLAG_COLUMNS):
        frame[column] = frame[column].astype(bool)
    for column in frame.columns.intersection(NUMBER_COLUMNS):
        frame[column] = pd.to_numeric(frame[column])
    if "period" in frame.columns:
        frame["month"] = month_numbers(frame["period"])
    return frame


def month_numbers(periods: pd.Series) -> pd.Series:
    """``Period.index`` of each ``YYYY-MM`` (missing stays missing), parsing each distinct
    month once."""
    codes, texts = pd.factorize(periods)
    numbers = np.array([Period.parse(t).index for t in texts] + [-1])  # code -1: missing
    return pd.Series(numbers[codes], index=periods.index).where(codes >= 0)


def month_index(dates: pd.Series) -> pd.Series:
    """``Period.index`` of the month each date falls in."""
    return dates.dt.year * 12 + dates.dt.month - 1


# Populations (docs/kpi-definitions.md, "Dates and populations")

def in_post_at_month_end(hr: pd.DataFrame) -> pd.Series:
    """Assignments started by the last day of their row's month and not ended by it (a
    leave date on that day has left)."""
    day = hr["month"].map({m: pd.Timestamp(Period.from_index(m).end)
                           for m in hr["month"].unique()})
    return (hr["service_start_date"] <= day) & (hr["leave_date"].isna()
                                                 | (hr["leave_date"] > day))


def in_post(hr: pd.DataFrame) -> pd.DataFrame:
    return hr[hr["in_post"]]


def social_workers_in_post(hr: pd.DataFrame) -> pd.DataFrame:
    return hr[hr["in_post"] & hr["qualified_sw"]]


def social_work_posts(establishment: pd.DataFrame, *, active_only: bool = False) -> pd.DataFrame:
    """Funded posts that are not deleted (nor frozen, with ``active_only``), role not other."""
    posts = establishment[establishment["funded"] & (establishment["status"] != "deleted")
                          & (establishment["role"] != "other")]
    return posts[posts["status"] == "active"] if active_only else posts


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
