"""Made-up census returns the size of real councils': each council's published DfE row (in
post, starters, leavers, agency workers, case holders, cases, days lost) spread over that
many worker records, for the benchmark (``scripts/benchmark.py``) and tests.

The records add up to the row's counts: case holders' FTE to the row's case-holder FTE and
the other workers' to the rest, so a return gives the row's rates to the decimal wherever
its FTEs do (the published FTEs are rounded; ``tests/test_census_import.py`` picks ones the
DfE could have rounded that give its published rates). Values
the DfE did not publish for a council (``c``, ``u``, ``x``, ``z``, ``low``) are taken as
England's, in proportion to the council's in-post FTE. Nothing here is anyone's data.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Final

from workforce.census.schemas import LA_LEVEL_NAMES
from workforce.reports.benchmarks import benchmarks_path

COUNTS: Final = (
    "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
    "leavers_headcount", "agency_fte", "agency_headcount", "agency_cover_fte", "vacancy_fte",
    "case_holders_fte", "cases", "working_days_lost_fte",
)
BORN: Final = dt.date(1984, 5, 6)  # the first worker's birth date; the others' around it
PAY_ITEMS: Final = ("RecruitmentBonus", "RetentionBonus", "PerformanceAward", "CarAllowance",
                    "RelocationPackage", "RegionalWeighting", "CostSWE", "CostDBS")


def published_councils(year: int, path: Path | None = None) -> list[dict[str, object]]:
    """Each council's row for ``year`` (``la_name``, ``old_la_code``, ``new_la_code`` and
    the ``COUNTS`` as numbers), in the file's order."""
    with (path or benchmarks_path()).open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.DictReader(handle) if row["time_period"] == str(year)]
    england = next(row for row in rows if row["geographic_level"] == "National")
    national = {name: float(england[name]) for name in COUNTS}
    councils = []
    for row in rows:
        if row["geographic_level"] != "Local authority":
            continue
        fte = _number(row["inpost_fte"]) or national["inpost_fte"] / 150
        counts = {name: _number(row[name]) for name in COUNTS}
        filled = {name: value if value is not None else national[name] * fte
                  / national["inpost_fte"] for name, value in counts.items()}
        councils.append({"la_name": row["la_name"], "old_la_code": row["old_la_code"],
                         "new_la_code": row["new_la_code"], **filled})
    return councils


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _split(total: float, parts: int, places: int) -> list[float]:
    """``parts`` values of ``places`` decimals summing to ``total``, as equal as they can be
    (so none passes 1 where the total does not pass ``parts``)."""
    if parts <= 0:
        return []
    scale = 10**places
    base, extra = divmod(round(max(total, 0.0) * scale), parts)
    return [(base + (i < extra)) / scale for i in range(parts)]


def synthetic_return(row: dict[str, object], year: int, lea: str, first_swe: int = 0) -> str:
    """A return for ``year`` whose records add up to ``row``'s counts: workers in post (case
    holders first, starters last), leavers, agency workers, and the LA-level counts. SWE
    numbers run from ``first_swe``."""
    def count(name: str) -> int:
        return max(0, round(float(row[name])))  # type: ignore[arg-type]

    headcount = max(1, count("inpost_headcount"))
    fte = min(float(row["inpost_fte"]), headcount)  # type: ignore[arg-type]
    holder_fte = min(float(row["case_holders_fte"]), fte)  # type: ignore[arg-type]
    holders = min(headcount, max(1, math.ceil(holder_fte)))
    # Case holders first, their FTE the row's case-holder FTE; the others share the rest.
    each = (_split(min(holder_fte, holders), holders, 6)
            + _split(min(fte - holder_fte, headcount - holders), headcount - holders, 6))
    cases = count("cases")
    shares = [cases // holders + (i < cases % holders) for i in range(holders)]
    starters = min(headcount, count("starters_headcount"))
    starter_ftes = _split(min(float(row["starters_fte"]), starters), starters, 6)  # type: ignore[arg-type]
    days = _split(float(row["working_days_lost_fte"]), headcount, 2)  # type: ignore[arg-type]
    gender, female = ("Sex", "F") if year >= 2024 else ("GenderCurrent", "2")
    qual = "<QualInst>A university</QualInst>" if year < 2025 else ""
    workers = []
    for i in range(headcount):
        starter = i >= headcount - starters
        start = f"{year - 1}-12-01" if starter else "2012-01-09"
        fte30 = starter_ftes[i - (headcount - starters)] if starter else each[i]
        born = BORN + dt.timedelta(days=122 * ((i + 30) % 60 - 30))  # ages over 20 years
        workers.append(
            f"<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW{first_swe + i:07d}</SWENo>"
            f"<FTE>{each[i]}</FTE><PersonBirthDate>{born}</PersonBirthDate>"
            f"<{gender}>{female}</{gender}><Ethnicity>WBRI</Ethnicity>{qual}"
            f"<OrgRole>5</OrgRole><RoleStartDate>{start}</RoleStartDate>"
            f"<StartOrigin>2</StartOrigin><FTE30>{fte30}</FTE30>"
            + (f"<Cases30>{shares[i]}</Cases30>" if i < holders else "")
            + f"<WorkingDaysLost>{days[i]}</WorkingDaysLost></CSWWWorker>")
    leavers = count("leavers_headcount")
    leaver_ftes = _split(min(float(row["leavers_fte"]), leavers), leavers, 6)  # type: ignore[arg-type]
    for i, leaving in enumerate(leaver_ftes):
        workers.append(
            f"<CSWWWorker><AgencyWorker>0</AgencyWorker>"
            f"<SWENo>SW{first_swe + headcount + i:07d}</SWENo>"
            f"<FTE>0</FTE><PersonBirthDate>1979-02-03</PersonBirthDate>"
            f"<{gender}>{female}</{gender}><Ethnicity>WBRI</Ethnicity>{qual}"
            f"<OrgRole>5</OrgRole><RoleStartDate>2015-03-02</RoleStartDate>"
            f"<StartOrigin>2</StartOrigin><RoleEndDate>{year}-06-30</RoleEndDate>"
            f"<LeaverDestination>1</LeaverDestination><ReasonLeave>1</ReasonLeave>"
            f"<FTE30>{leaving}</FTE30><WorkingDaysLost>0</WorkingDaysLost></CSWWWorker>")
    agency = count("agency_headcount")
    agency_ftes = _split(min(float(row["agency_fte"]), agency), agency, 6)  # type: ignore[arg-type]
    for i, share in enumerate(agency_ftes):
        workers.append(
            f"<CSWWWorker><AgencyWorker>1</AgencyWorker>"
            f"<SWENo>SW{first_swe + headcount + leavers + i:07d}</SWENo>{qual}"
            f"<FTE30>{share}</FTE30></CSWWWorker>")
    block = LA_LEVEL_NAMES[0] if year >= 2025 else LA_LEVEL_NAMES[1]
    pay = "".join(f"<{item}>1</{item}>" for item in PAY_ITEMS)
    pay += "<OtherAllowances>None</OtherAllowances>"
    cover = round(float(row["agency_cover_fte"]), 2)  # type: ignore[arg-type]
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>', "<Message><Header><CollectionDetails>",
        f"<Collection>CSWW</Collection><Year>{year}</Year>",
        f"<ReferenceDate>{year}-09-30</ReferenceDate></CollectionDetails>",
        f"<Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA></Source></Header>",
        f"<{block}><NumberOfVacancies>{round(float(row['vacancy_fte']), 2)}"  # type: ignore[arg-type]
        "</NumberOfVacancies>",
        f"<NoAgencyFTE>{cover}</NoAgencyFTE>",
        f"<NoAgencyHeadcount>{math.ceil(cover)}</NoAgencyHeadcount>"
        + (pay if year >= 2025 else "") + f"</{block}>",
        *workers, "</Message>", ""])


def records(row: dict[str, object]) -> int:
    """How many worker records ``synthetic_return`` writes for ``row``."""
    return (max(1, round(float(row["inpost_headcount"])))  # type: ignore[arg-type]
            + sum(max(0, round(float(row[name])))  # type: ignore[arg-type]
                  for name in ("leavers_headcount", "agency_headcount")))
