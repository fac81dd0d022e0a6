"""The "messy council" variant: a month's extracts written as the example council's
systems export them (config/MSY.yaml), with its headers, its words for codes, UK dates and
money, an Excel HR report with title rows and a footer, and each kind's own file format.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from workforce.config import PROJECT_ROOT, ExtractSettings, load_authority_config
from workforce.contracts import CONTRACTS, KINDS, ColumnType
from workforce.periods import Period
from workforce.sample.rows import write_rows

# The example council whose exports come as its systems write them ("Messy Borough",
# config/MSY.yaml): each kind's file name ({month} as "Mar 2025"), found by the settings'
# `files` patterns, and the council's words for the contracts' codes, which the settings'
# `value_mapping` maps back where a word is not a code as spelled ("Live" → active).
MESSY_AUTHORITY = "MSY"
MESSY_FILES = {
    "hr_staff": "HR Staff Report {month}.xlsx",  # title rows, a footer, real date cells
    "establishment": "Establishment {month}.csv",  # semicolons, Windows-1252, £45,000.00
    "agency_spend": "Agency Timesheets {month}.txt",  # Excel's Unicode text: UTF-16, tabs
    "caseloads": "Caseloads {month}.csv",  # plain UTF-8
}
MESSY_SHEET = "Staff"
MESSY_WORDS: dict[str, dict[str, str]] = {  # code column → code → the council's word
    "role": {
        "social_worker": "Social Worker",
        "senior_social_worker": "Senior Social Worker",
        "advanced_practitioner": "Senior Practitioner",
        "team_manager": "Team Manager",
        "service_manager": "Service Manager",
        "senior_manager": "Head of Service",
        "other": "Family Support Worker",
    },
    "leaving_reason": {
        "resignation": "Resigned",
        "retirement": "Retired",
        "dismissal": "Dismissed",
        "end_of_contract": "End of Fixed Term Contract",
        "redundancy": "Redundancy",
        "transfer": "TUPE Transfer",
        "other": "Other",
        "unknown": "Not Recorded",
    },
    "status": {"active": "Live", "frozen": "Frozen", "deleted": "Deleted"},
    "worker_type": {"employee": "Staff", "agency": "Agency"},
}
# HR's job title for a social worker in their first year in post (the Assessed and
# Supported Year in Employment); other codes are written as HR systems display them.
ASYE_TITLE = "Social Worker (ASYE)"


@cache
def messy_settings() -> ExtractSettings:
    """The messy council's settings as shipped in ``config/MSY.yaml``: its headers, values
    and files, which :func:`write_messy_variant` writes by."""
    return load_authority_config(MESSY_AUTHORITY, PROJECT_ROOT / "config")


def write_messy_variant(
    month_frames: dict[str, pd.DataFrame],
    folder: Path,
    period: Period,
    settings: ExtractSettings | None = None,
) -> dict[str, Path]:
    """Write one month as the messy council's systems export it, with the council's headers
    from ``settings`` (default: ``config/MSY.yaml``); return each kind's file.

    - HR staff: "HR Staff Report Mar 2025.xlsx", sheet "Staff": two title rows and a blank
      row above the header, a "Total records: N" footer, real date and number cells, job
      titles, Yes/No flags and the council's words for codes ("Fixed Term", "Resigned");
    - establishment: "Establishment Mar 2025.csv", semicolon-separated Windows-1252 with
      '£45,000.00' costs, post status Live/Frozen/Deleted;
    - agency spend: "Agency Timesheets Mar 2025.txt", Excel's Unicode text (UTF-16 with a
      byte-order mark, tab-separated), DD/MM/YYYY dates, '£1,877.75' money;
    - caseloads: "Caseloads Mar 2025.csv", plain UTF-8, worker type Staff/Agency.
    """
    settings = settings or messy_settings()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    month = f"{MONTH_ABBREVIATIONS[period.month - 1]} {period.year}"
    paths = {kind: folder / MESSY_FILES[kind].format(month=month) for kind in KINDS}
    headers = {
        kind: {canonical: council for council, canonical in settings.header_mapping(kind).items()}
        for kind in KINDS
    }
    words = {kind: _council_words(kind, month_frames[kind], period) for kind in KINDS}
    _write_hr_report(words["hr_staff"], paths["hr_staff"], headers["hr_staff"], period)
    _write_csv(words["establishment"], paths["establishment"], headers["establishment"],
               "cp1252", delimiter=";")
    agency = words["agency_spend"]
    for column in ("week_ending", "placement_start_date"):
        agency[column] = agency[column].map(_uk_date)
    _write_csv(agency, paths["agency_spend"], headers["agency_spend"], "utf-16-le",
               delimiter="\t", bom=True)
    _write_csv(words["caseloads"], paths["caseloads"], headers["caseloads"], "utf-8", "\n")
    return paths


MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec")  # not strftime's %b, which follows the locale


def _council_words(kind: str, frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The frame with codes, flags and money as the council's systems write them."""
    out = frame.copy()
    for column in CONTRACTS[kind].columns:
        if column.name not in out:
            continue
        if column.type is ColumnType.CODE:
            words = MESSY_WORDS.get(column.name, {})
            out[column.name] = out[column.name].map(lambda code, w=words: _word(w, code))
        elif column.type is ColumnType.FLAG:
            out[column.name] = out[column.name].map({"Y": "Yes", "N": "No", "": ""})
        elif column.type is ColumnType.MONEY:
            out[column.name] = out[column.name].map(lambda v: f"£{float(v):,.2f}" if v else "")
    if kind == "hr_staff":
        first_year = (frame["role"] == "social_worker") & (
            frame["service_start_date"] > period.shift(-12).end.isoformat()
        )
        out.loc[first_year, "role"] = ASYE_TITLE
    return out


def _word(words: dict[str, str], code: str) -> str:
    """The council's word for a code; otherwise as HR systems display one ('Fixed Term')."""
    if not code:
        return ""
    return words.get(code) or code.replace("_", " ").title()


def _uk_date(text: str) -> str:
    return dt.date.fromisoformat(text).strftime("%d/%m/%Y") if text else ""


def _write_csv(
    frame: pd.DataFrame,
    path: Path,
    headers: dict[str, str],
    encoding: str,
    eol: str = "\r\n",
    delimiter: str = ",",
    bom: bool = False,
) -> None:
    """Write with the council's headers; Windows line ends by default, as desktops export."""
    write_rows(path, [headers.get(c, c) for c in frame.columns],
                frame.itertuples(index=False, name=None), encoding, eol, delimiter, bom)


def _write_hr_report(
    frame: pd.DataFrame, path: Path, headers: dict[str, str], period: Period
) -> None:
    """The HR system's staff report: title rows, the header, typed cells, a footer."""
    contract = CONTRACTS["hr_staff"]
    types = [contract.column(c).type for c in frame.columns]
    run = dt.datetime.combine(period.end + dt.timedelta(days=5), dt.time(7, 30))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = MESSY_SHEET
    sheet.append(["HR Staff Report"])
    sheet.append([f"Run date: {run:%d/%m/%Y}"])
    sheet.append([])
    sheet.append([headers.get(c, c) for c in frame.columns])
    first = sheet.max_row + 1
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_xlsx_cell(v, t) for v, t in zip(row, types, strict=True)])
    for index, kind in enumerate(types, start=1):
        if kind is ColumnType.DATE:
            for (cell,) in sheet.iter_rows(min_row=first, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
    sheet.append([f"Total records: {len(frame)}"])
    _save_as_of(workbook, path, run)


def _save_as_of(workbook: Workbook, path: Path, when: dt.datetime) -> None:
    """Save with ``when`` as the workbook's and its parts' times, so the same month gives
    the same bytes (openpyxl stamps the time of saving)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = when.isoformat(timespec="seconds").encode() + b"Z"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp,
                              data)
            target.writestr(zipfile.ZipInfo(info.filename, when.timetuple()[:6]), data,
                            zipfile.ZIP_DEFLATED)


def _xlsx_cell(text: str, kind: ColumnType) -> object:
    if text == "":
        return None
    if kind is ColumnType.DATE:
        return dt.date.fromisoformat(text)
    if kind is ColumnType.NUMBER:
        return float(text)
    return text
