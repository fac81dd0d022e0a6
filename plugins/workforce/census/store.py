"""Importing a read census return into the warehouse: one transaction per return, replacing
that authority's year and nothing else.

Worker references (`SWENo`, the Social Work England number) are pseudonymised with the
authority's key as the monthly extracts' are, as employees or agency workers: a census record
joins a worker's monthly rows where the council's HR extract gives the SWE number as
`employee_id`. Birth dates become age bands at the reference date; no personal field is
stored in clear. The return's measures are stored in ``kpi_value`` at its September with
``source`` census, beside any monthly results for that month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine

from workforce.census.measures import census_kpis, census_period
from workforce.census.read import CensusReturn
from workforce.config import AuthorityConfig
from workforce.kpis.store import insert_kpis
from workforce.privacy import age_band, pseudonyms
from workforce.version import code_version
from workforce.warehouse.bulk import Rows, insert_rows
from workforce.warehouse.keys import authority_key
from workforce.warehouse.revisions import require_current
from workforce.warehouse.sql import query, statements

WORKER_COLUMNS = [
    "authority_code", "year", "load_id", "source_line", "worker_ref", "agency_worker",
    "org_role", "role_start_date", "start_origin", "role_end_date", "reason_leave",
    "leaver_destination", "fte", "fte30", "cases30", "working_days_lost", "age_band", "sex",
    "ethnicity", "absent_at_30_sept", "reason_absence", "contract_weeks", "base_salary_pence",
    "rr_payments_pence", "other_payments_pence",
]


@dataclass(frozen=True)
class CensusImport:
    authority_code: str
    year: int
    load_id: str
    workers: int
    kpis: int
    notes: int
    replaced: bool

    def describe(self) -> str:
        verb = "replaced" if self.replaced else "imported"
        return (f"{self.authority_code} census {self.year}: {verb} {self.workers} worker "
                f"records, {self.kpis} KPI values at {census_period(self.year)}, "
                f"{self.notes} data-quality notes (load {self.load_id})")


def import_census(engine: Engine, census: CensusReturn, authority_code: str,
                  settings: AuthorityConfig) -> CensusImport:
    """Store the return as the authority's census year, in one transaction."""
    require_current(engine)
    version = code_version()
    load_id = hashlib.sha256(
        f"census|{authority_code}|{census.year}|{census.sha256}|{version}".encode()
    ).hexdigest()[:16]
    keys = {"authority_code": authority_code, "year": census.year,
            "period": census_period(census.year)}
    with engine.begin() as connection:
        # No employee ids to check the key against: SWE numbers are not the HR extract's.
        key = authority_key(connection, authority_code, settings.name)
        refs = _worker_refs(census, authority_code, key)
        replaced = connection.execute(query("census_year_loaded"), keys).first() is not None
        for statement in statements("delete_census_year"):
            connection.execute(statement, keys)
        loaded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        insert_rows(connection, "census_return", Rows.of_records([{
            "authority_code": authority_code, "year": census.year,
            "period": keys["period"], "load_id": load_id, "file_name": census.path.name,
            "sha256": census.sha256, "schema_year": census.schema_year, "lea": census.lea,
            "reference_date": census.reference_date.isoformat(),
            "workers": len(census.workers), "loaded_at": loaded_at, "code_version": version,
        }]))
        insert_rows(connection, "census_worker", _workers(census, authority_code, load_id, refs))
        insert_rows(connection, "census_la_level", Rows.of_records([{
            "authority_code": authority_code, "year": census.year, "load_id": load_id,
            "source_line": census.la_level.line, "vacancies_fte": census.la_level.vacancies_fte,
            "agency_fte": census.la_level.agency_fte,
            "agency_headcount": census.la_level.agency_headcount,
            "pay": json.dumps(census.la_level.pay, sort_keys=True) if census.la_level.pay
            else None,
        }]))
        insert_rows(connection, "census_finding", Rows.of_records([{
            "authority_code": authority_code, "year": census.year, "load_id": load_id,
            "file_name": census.path.name, "line": f.row, "element": f.column,
            "severity": str(f.severity), "message": f.message,
        } for f in census.findings]))
        rows = census_kpis(census, refs, authority_code, load_id, settings)
        insert_kpis(connection, rows)
    return CensusImport(authority_code, census.year, load_id, len(census.workers), len(rows),
                        len(census.findings), replaced)


def _worker_refs(census: CensusReturn, authority_code: str, key: bytes) -> list[str | None]:
    return [pseudonyms((w.swe_no,), authority_code, "agency" if w.agency_worker else "employee",
                       key)[0] for w in census.workers]


def _workers(census: CensusReturn, authority_code: str, load_id: str,
             refs: list[str | None]) -> Rows:
    births = np.array([w.birth_date or np.datetime64("NaT") for w in census.workers],
                      dtype="datetime64[D]")
    bands = age_band(births, census.reference_date)
    return Rows(WORKER_COLUMNS, [
        (authority_code, census.year, load_id, w.line, ref, w.agency_worker, w.org_role,
         _iso(w.role_start_date), w.start_origin, _iso(w.role_end_date), w.reason_leave,
         w.leaver_destination, w.fte, w.fte30, w.cases30, w.working_days_lost, band, w.sex,
         w.ethnicity, w.absent_at_30_sept, w.reason_absence, w.contract_weeks,
         _pence(w.base_salary), _pence(w.rr_payments), _pence(w.other_payments))
        for w, ref, band in zip(census.workers, refs, bands, strict=True)
    ])


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _pence(pounds: float | None) -> int | None:
    return None if pounds is None else round(pounds * 100)
