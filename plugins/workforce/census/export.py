"""An authority's CSWW census return for a year, from the warehouse and the landed extracts.

What goes in (docs: the module ``workforce.census.measures`` says how the DfE's counts are
read back from a return, and this writes what gives the monthly KPIs' counts):

- a record per social work assignment in post at 30 September (``AgencyWorker`` 0, FTE and
  FTE30 its FTE), and per social work assignment ended in the year to 30 September, once, at
  its latest month's row (FTE 0, FTE30 the FTE at leaving): the KPIs' populations
  (``social_workers_in_post``, ``leavers_in_window``);
- a record per qualified agency worker with September timesheet lines (``AgencyWorker`` 1),
  FTE as the KPIs compute it (hours over standard hours × weeks), split into records of at
  most 1 FTE where it is more;
- ``Cases30`` from September's caseloads on each case holder's largest assignment;
  ``WorkingDaysLost`` the year's ``sickness_days`` of each assignment's rows;
- the LA level: ``NumberOfVacancies`` and ``NoAgencyFTE`` the stored September KPIs
  ``vacancy_fte`` and ``agency_cover_fte`` (to 2 decimal places), ``NoAgencyHeadcount`` the
  agency workers on vacant posts; from 2025 the settings' ``census.pay_questions``;
- from 2025, ``BaseSalary`` from ``base_salary_gbp`` and ``RRPayments`` the retention
  payments made in the year (``retention_payment``).

The Social Work England number, birth date and the census-only codes are not stored in the
warehouse: they are read from each month's landed files, checked against the SHA-256 the
lineage holds (``workforce.landed``), and kept nowhere. What cannot be filled is listed in
``FILE.missing.csv`` (pseudonymous worker references only); a mandatory element missing
means no XML at all.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from workforce.census import codes
from workforce.census.gather import Gathered, gather, split_cases
from workforce.census.schemas import layout, schema, schema_year
from workforce.census.validate import schema_findings
from workforce.census.write import census_xml, decimal, to_bytes
from workforce.config import PAY_QUESTIONS, PAY_TEXT, load_authority_config
from workforce.version import code_version

LA_LEVEL = "LA level"
MISSING_HEADER = ("worker_ref", "element", "reason")
GENDER_YEAR = 2024  # GenderCurrent to 2023, Sex from 2024
PAY_YEAR = 2025  # the pay items, and no QualInst
FTE_PLACES = 6


@dataclass(frozen=True)
class Missing:
    worker_ref: str  # a pseudonym, or "LA level"
    element: str
    reason: str
    mandatory: bool = False


@dataclass(frozen=True)
class ExportResult:
    authority_code: str
    year: int
    out: Path
    missing_path: Path
    written: bool  # False: a mandatory element is missing, and no XML was written
    workers: int
    missing: list[Missing]

    @property
    def mandatory_missing(self) -> int:
        return sum(m.mandatory for m in self.missing)

    def describe(self) -> str:
        listed = f"{len(self.missing)} gaps listed in {self.missing_path}"
        if not self.written:
            return (f"{self.authority_code} census {self.year}: not written: "
                    f"{self.mandatory_missing} mandatory elements could not be filled; "
                    f"{listed}")
        return (f"{self.authority_code} census {self.year}: wrote {self.out} ({self.workers} "
                f"worker records, valid against the {schema_year(self.year)} schema); {listed}")


def export_census(engine: Engine, authority_code: str, year: int, out: Path,
                  extracts_root: Path) -> ExportResult:
    """Write the authority's return for ``year`` to ``out`` and the gaps beside it."""
    schema_year(year)  # a year the schemas serve, or ValueError
    settings = load_authority_config(authority_code)
    found = gather(engine, authority_code, year, settings, extracts_root)
    missing = list(found.missing)
    workers = _employees(found, year, missing) + _agency(found, year, missing)
    lea = settings.census_lea or ""
    if not lea:
        missing.append(Missing(LA_LEVEL, "LEA", "no dfe_la_code or census.lea (the DfE's "
                               "3-digit LA code) in the settings", True))
    la_level = _la_level(found, year, settings.census.pay_questions, missing)
    missing_path = out.with_name(out.name.removesuffix(".xml") + ".missing.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_missing(missing_path, missing)
    result = ExportResult(authority_code, year, out, missing_path, False, len(workers), missing)
    if result.mandatory_missing:
        out.unlink(missing_ok=True)  # never leave an earlier, now stale, return beside it
        return result
    root = census_xml(year, lea, la_level, workers, f"workforce {code_version()}")
    problems = schema_findings(root, year, str(out))
    if problems or not schema(year).validate(root):  # messages never quote a personal value
        raise ValueError(f"{authority_code} census {year}: the return would not be valid "
                         "against its schema, so it was not written: "
                         + "; ".join(f.message for f in problems[:10]))
    out.write_bytes(to_bytes(root))
    return dataclasses.replace(result, written=True)


def _employees(found: Gathered, year: int, missing: list[Missing]) -> list[dict[str, str]]:
    records = []
    wanted = ["SWENo", "PersonBirthDate", "Ethnicity", "QualLevel", "StepUpGrad", "OrgRole",
              "RoleStartDate", "StartOrigin", "FTE30", "FrontlineGrad"]
    wanted.append("Sex" if year >= GENDER_YEAR else "GenderCurrent")
    if year < PAY_YEAR:
        wanted.append("QualInst")
    for row in found.employees.itertuples(index=False):
        leaver = bool(row.leaver)
        landed = found.landed(row.period, row.source_row)
        record = {
            "AgencyWorker": "0",
            "SWENo": landed.get("swe_number"),
            "FTE": "0" if leaver else decimal(row.fte, FTE_PLACES),
            "PersonBirthDate": _iso(landed.get("birth_date")),
            "GenderCurrent": codes.GENDER_CURRENT.get(_str(row.gender)),
            "Sex": codes.SEX.get(_str(row.gender)),
            "Ethnicity": codes.ethnicity_code(row.ethnicity),
            "QualInst": landed.get("qualifying_institution"),
            "QualLevel": landed.get("qualification_level"),
            "StepUpGrad": _flag(landed.get("step_up_grad")),
            "OrgRole": _org_role(row.role, not pd.isna(row.cases30)),
            "RoleStartDate": _iso(row.service_start_date),
            "StartOrigin": landed.get("start_origin"),
            "FTE30": decimal(row.fte, FTE_PLACES),
            "Cases30": None if leaver or pd.isna(row.cases30) else str(int(row.cases30)),
            "WorkingDaysLost": decimal(row.days_lost, 2),
            "FrontlineGrad": _flag(landed.get("frontline_grad")),
        }
        if year >= GENDER_YEAR:
            record.pop("GenderCurrent")
        if leaver:
            record |= {
                "RoleEndDate": _iso(row.leave_date),
                "LeaverDestination": landed.get("leaver_destination"),
                "ReasonLeave": (landed.get("reason_leave")
                                or codes.REASONS_LEAVE.get(_str(row.leaving_reason))),
            }
            needed = [*wanted, "RoleEndDate", "LeaverDestination", "ReasonLeave"]
        else:
            absent = _flag(landed.get("absent_at_30_sept"))
            record["Absat30Sept"] = absent
            if absent == "1":
                reason = landed.get("reason_absence")
                record["ReasonAbsence"] = reason.upper() if reason else None
            needed = [*wanted, "Absat30Sept", *(["ReasonAbsence"] if absent == "1" else [])]
            if year >= PAY_YEAR:
                salary = landed.get("base_salary_gbp")  # pence, as validation types money
                record["BaseSalary"] = None if salary is None else decimal(salary / 100, 2)
                needed.append("BaseSalary")
        if year >= PAY_YEAR and row.rr_pence:
            record["RRPayments"] = decimal(row.rr_pence / 100, 2)
        _note_gaps(row.worker_ref, record, needed, year, missing)
        records.append(record)
    return records


def _agency(found: Gathered, year: int, missing: list[Missing]) -> list[dict[str, str]]:
    records = []
    for row in found.agency.itertuples(index=False):
        # A worker over 1 FTE in the month (more than standard hours) as records of ≤ 1 FTE,
        # one person (one SWENo); the cases go with the FTE.
        parts = _parts(row.fte)
        cases = None if pd.isna(row.cases30) else int(row.cases30)
        shares = _shares(cases, parts, row.fte)
        for part, share in zip(parts, shares, strict=True):
            record = {"AgencyWorker": "1", "SWENo": row.swe_number,
                      "QualInst": row.qualifying_institution if year < PAY_YEAR else None,
                      "FTE": decimal(part, FTE_PLACES), "FTE30": decimal(part, FTE_PLACES),
                      "OrgRole": _org_role(row.role, cases is not None),
                      "Cases30": None if share is None else str(share)}
            needed = ["SWENo", *(["QualInst"] if year < PAY_YEAR else [])]
            _note_gaps(row.worker_ref, record, needed, year, missing)
            records.append(record)
    return records


def _la_level(found: Gathered, year: int, pay: dict[str, str],
              missing: list[Missing]) -> dict[str, str]:
    values = {
        "NumberOfVacancies": _rounded(found.kpis.get("vacancy_fte")),
        "NoAgencyFTE": _rounded(found.kpis.get("agency_cover_fte")),
        "NoAgencyHeadcount": str(found.agency_cover_headcount),
    }
    for name in ("NumberOfVacancies", "NoAgencyFTE"):
        if values[name] is None:
            missing.append(Missing(LA_LEVEL, name, "no stored monthly KPI for the September: "
                                   "run `workforce kpis --compute` for it", True))
    if year >= PAY_YEAR:
        for name in (*PAY_QUESTIONS, PAY_TEXT):
            values[name] = pay.get(name)
            if values[name] is None:
                missing.append(Missing(LA_LEVEL, name, f"no census.pay_questions.{name} in the "
                                       "settings", True))
    return values


def _note_gaps(ref: str, record: dict[str, str | None], needed: list[str], year: int,
               missing: list[Missing]) -> None:
    mandatory = layout(year).mandatory["CSWWWorker"]
    for name in needed:
        if record.get(name) is None:
            source = SOURCES.get(name, "the warehouse")
            missing.append(Missing(ref, name, f"not given: {source}", name in mandatory))


SOURCES = {
    "SWENo": "swe_number in the landed extract",
    "PersonBirthDate": "birth_date in the landed hr_staff extract",
    "QualInst": "qualifying_institution in the landed hr_staff extract",
    "QualLevel": "qualification_level in the landed hr_staff extract",
    "StepUpGrad": "step_up_grad in the landed hr_staff extract",
    "FrontlineGrad": "frontline_grad in the landed hr_staff extract",
    "StartOrigin": "start_origin in the landed hr_staff extract",
    "LeaverDestination": "leaver_destination in the landed hr_staff extract",
    "ReasonLeave": "reason_leave or leaving_reason in hr_staff",
    "Absat30Sept": "absent_at_30_sept in September's landed hr_staff extract",
    "ReasonAbsence": "reason_absence in September's landed hr_staff extract",
    "BaseSalary": "base_salary_gbp in September's landed hr_staff extract",
    "Ethnicity": "ethnicity in hr_staff, as one of the DfE's categories",
    "Sex": "gender in hr_staff as female or male",
    "GenderCurrent": "gender in hr_staff",
}


def _write_missing(path: Path, missing: list[Missing]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MISSING_HEADER)
        writer.writerows((m.worker_ref, m.element, m.reason) for m in missing)


def _org_role(role: str, holds_cases: bool) -> str:
    code = codes.ORG_ROLES.get(role)
    return code or (codes.CASE_HOLDER if holds_cases else codes.WITHOUT_CASES)


def _parts(fte: float) -> list[float]:
    whole = int(np.floor(fte + 1e-9))
    rest = round(fte - whole, FTE_PLACES)
    return [1.0] * whole + ([rest] if rest > 0 else []) if fte > 1 else [fte]


def _shares(cases: int | None, parts: list[float], _fte: float) -> list[int | None]:
    return [None] * len(parts) if cases is None else list(split_cases(cases, parts))


def _rounded(value: float | None) -> str | None:
    return None if value is None or pd.isna(value) else decimal(round(value, 2), 2)


def _iso(day: object) -> str | None:
    if day is None or pd.isna(day):
        return None
    return pd.Timestamp(day).date().isoformat()


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _flag(value: object) -> str | None:
    return None if value is None or pd.isna(value) else ("1" if value else "0")
