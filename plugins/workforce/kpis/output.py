"""KPI results as JSON, CSV or a table for people (``workforce kpis``)."""

from __future__ import annotations

import csv
import json
from typing import TextIO

from workforce.measures import CATALOGUE

FIELDS = [
    "authority", "period", "scope_type", "scope_code", "kpi", "unit", "numerator",
    "denominator", "value", "target", "rag", "window_months", "history_months", "load_id",
    "source_load_ids", "computed_at", "code_version", "source",
]


def _record(row: dict[str, object]) -> dict[str, object]:
    record = {**row, "authority": row["authority_code"]}
    return {field: record.get(field) for field in FIELDS}


def _shown(value: object, unit: str) -> str:
    if value is None:
        return "n/a"
    number = float(value)  # type: ignore[arg-type]
    if unit == "percent":
        return f"{number:.1f}%"
    if unit in ("gbp", "gbp_per_hour"):
        return f"{'−' if number < 0 else ''}£{abs(number):,.2f}"
    if unit == "count" or unit == "cases":
        return f"{number:,.0f}"
    return f"{number:,.1f}"


def write_kpis(rows: list[dict[str, object]], style: str, out: TextIO) -> None:
    records = [_record(row) for row in rows]
    if style == "json":
        json.dump(records, out, indent=2)
        out.write("\n")
    elif style == "csv":
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        _table(records, out)


SCOPE_ORDER = {"council": 0, "service_area": 1, "team": 2, "supplier": 3}
KPI_ORDER = {code: index for index, code in enumerate(CATALOGUE)}


def _table(records: list[dict[str, object]], out: TextIO) -> None:
    """Scope by scope, KPIs in the order of the definitions."""
    records = sorted(records, key=lambda r: (
        r["authority"], r["period"], r["source"], SCOPE_ORDER[str(r["scope_type"])],
        r["scope_code"],
        KPI_ORDER[str(r["kpi"])],
    ))
    scope = None
    for record in records:
        heading = (record["authority"], record["period"], record["scope_type"],
                   record["scope_code"], record["source"])
        if heading != scope:
            scope = heading
            origin = "  (from the DfE census return)" if record["source"] == "census" else ""
            out.write(f"\n{record['authority']} {record['period']}  "
                      f"{record['scope_type']} {record['scope_code']}{origin}\n")
        unit = str(record["unit"])
        parts = f"{_shown(record['numerator'], 'fte')} / {_shown(record['denominator'], 'fte')}"
        note = ""
        if record["history_months"] is not None and record["window_months"] is not None and (
            record["history_months"] < record["window_months"]  # type: ignore[operator]
        ):
            note = f"  partial history: {record['history_months']} of " \
                   f"{record['window_months']} months"
        rag = f"  {record['rag']}" if record["rag"] else ""
        title = CATALOGUE[str(record["kpi"])].title
        out.write(f"  {title:<46} {_shown(record['value'], unit):>14}"
                  f"{'  (' + parts + ')' if record['denominator'] is not None else ''}"
                  f"{rag}{note}\n")
