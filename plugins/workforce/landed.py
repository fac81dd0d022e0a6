"""A loaded month's extracts read again from the landing folder, as they were loaded.

The warehouse keeps no worker reference in clear (pseudonyms only) and no census-only
column (``Column.stored`` off), so what needs them reads the files each month was loaded
from: checked against their SHA-256 in the lineage, and validated by the same code with the
authority's settings. Used by the pseudonym key's rotation and by the census export.
"""

from __future__ import annotations

from pathlib import Path

from workforce.config import ExtractSettings
from workforce.extracts import sha256_of
from workforce.periods import Period
from workforce.pipeline import month_folder
from workforce.validation import ValidatedMonth, validate_files
from workforce.warehouse.lineage import LoadedMonth


def landed_month(extracts: Path, authority_code: str, month: LoadedMonth,
                 settings: ExtractSettings) -> tuple[ValidatedMonth | None, list[str]]:
    """The month's files validated, or None with a sentence per file that is missing or is
    not the one loaded (its SHA-256 differs)."""
    folder = month_folder(extracts, authority_code, Period.parse(month.period))
    paths, problems = {}, []
    for file in month.files:
        path = folder / file.file_name
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif sha256_of(path.read_bytes()) != file.sha256:
            problems.append(f"{path}: not the file loaded (its SHA-256 differs)")
        else:
            paths[file.kind] = path
    if problems:
        return None, problems
    return validate_files(paths, Period.parse(month.period), settings), []
