"""The monthly steps as plain functions: the CLI and the Airflow DAGs both call these."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from workforce.config import configured_authorities, load_authority_config
from workforce.contracts import KINDS
from workforce.extracts import find_month_files, kind_of
from workforce.findings import ExtractRejected, summary
from workforce.kpis import MonthNotLoaded
from workforce.periods import PERIOD_PATTERN, Period
from workforce.synonyms import suggested_code
from workforce.validation import ValidatedMonth, validate_files, validate_month
from workforce.value_mapping import describe_unmapped
from workforce.warehouse import LoadedMonth, LoadResult, load_month, loaded_months

log = logging.getLogger(__name__)


def month_folder(root: Path, authority_code: str, period: Period) -> Path:
    """Landing layout: ``ROOT/<authority_code>/<YYYY-MM>/<kind>.csv|xlsx``."""
    return Path(root) / authority_code / str(period)


def authorities_landed(root: Path, period: Period) -> list[str]:
    """Authorities with a folder for the month under the landing root."""
    return sorted(p.parent.name for p in Path(root).glob(f"*/{period}") if p.is_dir())


def authorities_to_run(root: Path, period: Period, chosen: str | None = None) -> list[str]:
    """One chosen authority, or every configured one and any other that has landed files."""
    if chosen:
        return [chosen]
    return sorted(set(configured_authorities()) | set(authorities_landed(root, period)))


def missing_extracts(root: Path, authority_code: str, period: Period) -> list[str]:
    """The month's extract kinds not landed yet (a run waits for these before validating)."""
    folder = month_folder(root, authority_code, period)
    if not folder.is_dir():
        return list(KINDS)
    found, _ = find_month_files(folder, load_authority_config(authority_code))
    return [kind for kind in KINDS if kind not in found]


def validate_authority_month(root: Path, authority_code: str, period: Period) -> ValidatedMonth:
    config = load_authority_config(authority_code)
    month = validate_month(month_folder(root, authority_code, period), period, config)
    log.info("Validated %s %s: %s", authority_code, period, summary(month.findings))
    return month


def rejection(month: ValidatedMonth, authority_code: str) -> ExtractRejected:
    """A rejected month's refusal: its errors, then the settings lines for all its unmapped
    values at once."""
    return ExtractRejected(month.findings, describe_unmapped(month.unmapped, authority_code,
                                                             suggested_code))


def load_authority_month(
    root: Path, authority_code: str, period: Period, engine: Engine
) -> LoadResult:
    """Validate the month's four extracts and load them; raise ExtractRejected on errors."""
    month = validate_authority_month(root, authority_code, period)
    if not month.ok:
        raise rejection(month, authority_code)
    return load_month(engine, month, authority_code, load_authority_config(authority_code).name)


def require_loaded(engine: Engine, authority_code: str, period: Period) -> LoadedMonth:
    """The month's load in the warehouse; MonthNotLoaded when there is none (also on an
    empty warehouse, where the report queries would fail on missing tables instead)."""
    for month in loaded_months(engine):
        if (month.authority_code, month.period) == (authority_code, str(period)):
            return month
    raise MonthNotLoaded(f"{authority_code} {period} is not loaded in the warehouse")


def validate_paths(
    paths: list[Path], period: Period | None = None, authority_code: str | None = None
) -> list[ValidatedMonth]:
    """Validate month folders and/or single files; files in one folder are checked together.

    The month comes from ``period`` or the folder name (``YYYY-MM``); the authority (whose
    header mapping applies) from ``authority_code`` or the folder above the month."""
    groups: dict[Path, list[Path]] = {}
    for path in map(Path, paths):
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such file or folder")
        groups.setdefault(path if path.is_dir() else path.parent, [])
        if not path.is_dir():
            groups[path.parent].append(path)
    results = []
    for folder, files in groups.items():
        folder_period = period or _period_from_folder(folder)
        config = load_authority_config(authority_code or folder.resolve().parent.name)
        if not files:
            results.append(validate_month(folder, folder_period, config))
            continue
        by_kind = {}
        for file in files:
            kind = kind_of(file, config)
            if kind is None:
                raise ValueError(
                    f"{file}: cannot tell which extract this is; name it hr_staff, "
                    "establishment, agency_spend or caseloads with .csv or .xlsx, or as one "
                    "extract's pattern in the authority's settings says"
                )
            by_kind[kind] = file
        results.append(validate_files(by_kind, folder_period, config))
    return results


def _period_from_folder(folder: Path) -> Period:
    name = folder.resolve().name
    if not PERIOD_PATTERN.match(name):
        raise ValueError(
            f"{folder}: cannot tell the month from the folder name; pass --period YYYY-MM"
        )
    return Period.parse(name)
