"""What the KPIs read from the warehouse for one authority-month, and its populations.

One read per table covers the month, the rolling 12 months before it, the month a year
earlier (stability) and the financial year to date; every family works on these frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import pandas as pd
from sqlalchemy import Connection

from workforce.config import AuthorityConfig
from workforce.periods import Period, period_range
from workforce.warehouse.sql import query

WINDOW_MONTHS = 12
DATE_COLUMNS = ("service_start_date", "leave_date", "week_ending", "placement_start_date")
FLAG_COLUMNS = ("qualified_sw", "case_holding", "funded")


@dataclass(frozen=True, eq=False)
class Facts:
    authority_code: str
    period: Period
    settings: AuthorityConfig
    hr: pd.DataFrame
    establishment: pd.DataFrame
    agency: pd.DataFrame
    caseloads: pd.DataFrame
    eligibility_history: pd.DataFrame
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
        return self._by_period("hr").get(str(period), self.hr.iloc[:0])

    def establishment_of(self, period: Period) -> pd.DataFrame:
        return self._by_period("establishment").get(str(period), self.establishment.iloc[:0])

    @cache  # noqa: B019 - one Facts per computation; splitting once saves a scan per call
    def _by_period(self, table: str) -> dict[str, pd.DataFrame]:
        frame = getattr(self, table)
        return {str(period): rows for period, rows in frame.groupby("period", sort=False)}

    def agency_of(self, period: Period) -> pd.DataFrame:
        """The month's lines with a week ending inside the month."""
        lines = self.agency[self.agency["period"] == str(period)]
        inside = lines["week_ending"].between(pd.Timestamp(period.start),
                                              pd.Timestamp(period.end))
        return lines[inside]


def read_facts(
    connection: Connection, authority_code: str, period: Period, settings: AuthorityConfig
) -> Facts:
    keys = {
        "authority_code": authority_code,
        "first": str(period.shift(-WINDOW_MONTHS)),
        "last": str(period),
    }

    def read(name: str, params: dict[str, str]) -> pd.DataFrame:
        return _typed(pd.read_sql(query(name), connection, params=params))

    loads = read("kpi_loads", keys)
    hr = read("kpi_hr_staff", keys)
    earlier = read("kpi_eligibility_history", keys)
    return Facts(
        authority_code=authority_code,
        period=period,
        settings=settings,
        hr=hr,
        establishment=read("kpi_establishment", keys),
        agency=read("kpi_agency_spend", keys),
        caseloads=read("kpi_caseloads", {"authority_code": authority_code,
                                         "period": str(period)}),
        eligibility_history=pd.concat([earlier, hr[earlier.columns]], ignore_index=True),
        loads=dict(zip(loads["period"], loads["load_id"], strict=True)),
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """The same types from SQLite (text dates, 0/1 flags) as from PostgreSQL."""
    for column in frame.columns.intersection(DATE_COLUMNS):
        frame[column] = pd.to_datetime(frame[column])
    for column in frame.columns.intersection(FLAG_COLUMNS):
        frame[column] = frame[column].astype(bool)
    return frame


# Populations (docs/kpi-definitions.md, "Dates and populations")

def in_post(hr: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Assignments started by ``day`` and not ended by it (a leave date on ``day`` has left)."""
    return hr[(hr["service_start_date"] <= day)
              & (hr["leave_date"].isna() | (hr["leave_date"] > day))]


def social_workers_in_post(hr: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return in_post(hr[hr["qualified_sw"]], day)


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
