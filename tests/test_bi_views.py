"""The views for BI tools (revision 0003), on SQLite and PostgreSQL: each queried on a loaded
and computed month with figures worked out by hand from ``GOOD_MONTH``, each column
documented in docs/warehouse.md, and the KPI catalogue copied into ``kpi_measure``."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import get_args

import pytest
from sqlalchemy import Engine, inspect, text

from conftest import AUTHORITY, GOOD_MONTH, PERIOD, write_month
from workforce.kpis import compute_month
from workforce.measures import CATALOGUE, UNIT_LABELS, Unit
from workforce.pipeline import load_authority_month, validate_authority_month
from workforce.warehouse import require_current
from workforce.warehouse.reference import catalogue_digest, kpi_measure_rows

DOCS = Path(__file__).resolve().parents[1] / "docs" / "warehouse.md"
VIEWS = ["bi_kpi_results", "bi_team_month_facts", "bi_month_lineage"]
REFERENCE_TABLES = ["kpi_measure", "calendar_month"]
NAME = "Test Borough Council"
# Caseload targets that rate the two teams and the council differently: CP01 holds 18 cases
# on 1.0 FTE (green), AS01 30 on 1.5 (20: red), the council 48 on 2.5 (19.2: amber).
SETTINGS = f"""name: {NAME}
targets:
  caseload_avg: {{target: 18, tolerance: 1.5}}
"""


@pytest.fixture
def computed(engine: Engine, landing: Path, tmp_path: Path) -> Engine:
    """The landed month loaded and computed, with a council name and a target."""
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / f"{AUTHORITY}.yaml").write_text(SETTINGS)
    load_authority_month(landing, AUTHORITY, PERIOD, engine)
    compute_month(engine, AUTHORITY, PERIOD)
    return engine


def rows(engine: Engine, sql: str, **params: object) -> list[dict[str, object]]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(sql), params).mappings()]


def is_date(value: object, iso: str, engine: Engine) -> bool:
    """A date on PostgreSQL; ISO text on SQLite, which has no date type."""
    if engine.dialect.name == "sqlite":
        return value == iso
    return isinstance(value, dt.date) and value.isoformat() == iso


def test_kpi_results_name_the_scope_and_label_the_kpi(computed: Engine) -> None:
    results = rows(computed, "SELECT * FROM bi_kpi_results")
    stored = rows(computed, "SELECT COUNT(*) AS n FROM kpi_value")[0]["n"]
    assert len(results) == stored > 0
    by_key = {(r["scope_type"], r["scope_code"], r["kpi"]): r for r in results}

    team = by_key["team", "CP01", "caseload_avg"]
    assert team["scope_name"] == "Child Protection North"
    assert team["service_area"] == "Child Protection"
    assert (team["authority_code"], team["authority_name"]) == (AUTHORITY, NAME)
    assert team["period"] == "2025-03" and team["financial_year"] == "2024-25"
    assert is_date(team["month_start"], "2025-03-01", computed)
    assert team["kpi_title"] == CATALOGUE["caseload_avg"].title == "Average caseload"
    assert (team["unit"], team["unit_label"], team["better"]) == (
        "cases_per_fte", "cases per FTE", "lower")
    assert team["kpi_order"] == list(CATALOGUE).index("caseload_avg") + 1
    assert (team["numerator"], team["denominator"], team["value"]) == (18, 1, 18)
    assert (team["target"], team["rag"], team["rag_label"]) == (18, "G", "Green")
    assert by_key["team", "AS01", "caseload_avg"]["scope_name"] == "Assessment East"
    assert by_key["team", "AS01", "caseload_avg"]["rag_label"] == "Red"
    council = by_key["council", AUTHORITY, "caseload_avg"]
    assert council["scope_name"] == NAME and council["service_area"] is None
    assert (council["value"], council["rag_label"]) == (pytest.approx(19.2), "Amber")
    assert by_key["service_area", "Assessment", "sw_fte"]["scope_name"] == "Assessment"
    assert by_key["supplier", "Brightcare", "agency_spend_month_gbp"]["scope_name"] == (
        "Brightcare")

    # The label always says what the stored rating says; no target, no rating.
    labels = {"R": "Red", "A": "Amber", "G": "Green", None: None}
    assert all(r["rag_label"] == labels[r["rag"]] for r in results)
    assert {r["kpi"] for r in results if r["rag"] is not None} == {"caseload_avg"}
    # Every row carries its catalogue entry, and the month's lineage.
    for r in results:
        measure = CATALOGUE[str(r["kpi"])]
        assert (r["kpi_title"], r["unit"], r["unit_label"], r["better"]) == (
            measure.title, measure.unit, UNIT_LABELS[measure.unit], measure.better)
        assert r["window_months"] == 12 or not measure.rolling
    (load,) = rows(computed, "SELECT load_id FROM load_batch")
    assert {r["load_id"] for r in results} == {load["load_id"]}


def test_a_kpi_the_reference_table_does_not_know_still_shows(computed: Engine) -> None:
    with computed.begin() as connection:
        connection.execute(text("DELETE FROM kpi_measure WHERE kpi = 'sw_fte'"))
    shown = rows(computed, "SELECT kpi_title, unit, unit_label, value FROM bi_kpi_results "
                           "WHERE kpi = 'sw_fte' AND scope_type = 'council'")
    # E001 (1.0) and E003 (0.5) in post at 31 March; E002 left on the 21st.
    assert shown == [{"kpi_title": "sw_fte", "unit": "fte", "unit_label": None, "value": 1.5}]


def test_team_month_facts_are_plain_sums_of_the_extracts(computed: Engine) -> None:
    facts = {r["team_code"]: r for r in rows(
        computed, "SELECT * FROM bi_team_month_facts ORDER BY team_code")}
    assert list(facts) == ["AS01", "CP01"]
    money = {"annual_cost_gbp", "agency_cost_gbp"}
    # Pounds are exact decimals on PostgreSQL (pence / 100.0), floats on SQLite.
    plain = {code: {k: float(v) if k in money else v for k, v in row.items()}  # type: ignore
             for code, row in facts.items()}
    (load,) = rows(computed, "SELECT load_id FROM load_batch")
    # CP01: posts P001 and P002 (£48,000 + £55,000), staff E001 (1.0) and E002 (0.8),
    # agency line L2 (30.5 hours, £1,220.00).
    cp01 = plain["CP01"]
    assert {k: cp01[k] for k in ("authority_name", "period", "financial_year", "team_name",
                                  "service_area", "load_id")} == {
        "authority_name": NAME, "period": "2025-03", "financial_year": "2024-25",
        "team_name": "Child Protection North", "service_area": "Child Protection",
        "load_id": load["load_id"]}
    assert is_date(facts["CP01"]["month_start"], "2025-03-01", computed)
    assert (cp01["posts"], cp01["budgeted_fte"], cp01["frozen_posts"], cp01["deleted_posts"],
            cp01["unfunded_posts"], cp01["annual_cost_gbp"]) == (2, 2.0, 0, 0, 0, 103000.0)
    assert (cp01["staff_records"], cp01["staff_fte"]) == (2, pytest.approx(1.8))
    assert (cp01["agency_lines"], cp01["agency_workers"], cp01["agency_hours"],
            cp01["agency_cost_gbp"]) == (1, 1, 30.5, 1220.0)
    # AS01: posts P003 and P004 (£48,000 + £70,000, P004 frozen), staff E003 (0.5),
    # agency line L1 (37 hours, £1,683.50).
    as01 = plain["AS01"]
    assert (as01["team_name"], as01["service_area"]) == ("Assessment East", "Assessment")
    assert (as01["posts"], as01["budgeted_fte"], as01["frozen_posts"], as01["deleted_posts"],
            as01["unfunded_posts"], as01["annual_cost_gbp"]) == (2, 2.0, 1, 0, 0, 118000.0)
    assert (as01["staff_records"], as01["staff_fte"]) == (1, 0.5)
    assert (as01["agency_lines"], as01["agency_workers"], as01["agency_hours"],
            as01["agency_cost_gbp"]) == (1, 1, 37.0, 1683.5)


def test_the_teams_of_a_month_add_up_to_its_extracts(computed: Engine) -> None:
    (teams,) = rows(computed, """
        SELECT SUM(posts) AS posts, SUM(budgeted_fte) AS budgeted_fte,
               SUM(annual_cost_gbp) AS cost, SUM(staff_records) AS staff,
               SUM(staff_fte) AS fte, SUM(agency_lines) AS lines,
               SUM(agency_hours) AS hours, SUM(agency_cost_gbp) AS agency_cost
        FROM bi_team_month_facts""")
    month = GOOD_MONTH
    assert {k: float(v) for k, v in teams.items()} == pytest.approx({  # type: ignore[arg-type]
        "posts": len(month["establishment"]),
        "budgeted_fte": sum(float(r["budgeted_fte"]) for r in month["establishment"]),
        "cost": sum(float(r["annual_cost_gbp"]) for r in month["establishment"]),
        "staff": len(month["hr_staff"]),
        "fte": sum(float(r["fte"]) for r in month["hr_staff"]),
        "lines": len(month["agency_spend"]),
        "hours": sum(float(r["hours"]) for r in month["agency_spend"]),
        "agency_cost": sum(float(r["line_cost_gbp"]) for r in month["agency_spend"]),
    })


def test_month_lineage_lists_each_file_with_its_checksum_and_warnings(
    engine: Engine, tmp_path: Path
) -> None:
    month = copy.deepcopy(GOOD_MONTH)
    month["caseloads"][0]["open_cases"] = "45"  # unusual: a warning, not an error
    month["hr_staff"][0]["sickness_days"] = "24"
    root = tmp_path / "warned"
    folder = write_month(root, month)
    findings = validate_authority_month(root, AUTHORITY, PERIOD).findings
    expected_warnings = Counter(f.file.rsplit("/", 1)[-1] for f in findings)
    assert expected_warnings == {"caseloads.csv": 1, "hr_staff.csv": 1}
    load_authority_month(root, AUTHORITY, PERIOD, engine)

    lineage = rows(engine, "SELECT * FROM bi_month_lineage ORDER BY kind")
    assert [r["kind"] for r in lineage] == ["agency_spend", "caseloads", "establishment",
                                            "hr_staff"]
    (load,) = rows(engine, "SELECT load_id, loaded_at, code_version FROM load_batch")
    for r in lineage:
        landed = folder / f"{r['kind']}.csv"
        assert r["file_name"] == landed.name
        assert r["sha256"] == hashlib.sha256(landed.read_bytes()).hexdigest()
        assert r["row_count"] == len(month[str(r["kind"])])
        assert r["warnings"] == expected_warnings.get(landed.name, 0)
        assert r["month_warnings"] == 2
        assert {k: r[k] for k in load} == load
        assert (r["authority_code"], r["authority_name"], r["period"]) == (
            AUTHORITY, AUTHORITY, "2025-03")
        assert is_date(r["month_start"], "2025-03-01", engine)
        assert r["kpis_computed_at"] is None and r["kpis_code_version"] is None

    compute_month(engine, AUTHORITY, PERIOD)
    (computed,) = rows(engine, "SELECT MAX(computed_at) AS at, MAX(code_version) AS version "
                               "FROM kpi_value")
    assert {(r["kpis_computed_at"], r["kpis_code_version"])
            for r in rows(engine, "SELECT * FROM bi_month_lineage")} == {
        (computed["at"], computed["version"])}


def test_kpi_measure_holds_exactly_the_catalogue(engine: Engine) -> None:
    require_current(engine)
    stored = rows(engine, "SELECT * FROM kpi_measure ORDER BY kpi_order")
    for row in stored:
        row["rolling_12_months"] = bool(row["rolling_12_months"])  # 0/1 on SQLite
    assert stored == kpi_measure_rows()
    assert [r["kpi"] for r in stored] == list(CATALOGUE)
    assert {r["unit_label"] for r in stored} <= set(UNIT_LABELS.values())


def test_every_unit_has_a_label() -> None:
    assert set(UNIT_LABELS) == set(get_args(Unit))


def test_a_change_of_the_catalogue_comes_with_a_revision_refreshing_kpi_measure() -> None:
    """The newest revision that records the catalogue recorded this one: an existing
    warehouse keeps the kpi_measure rows of its last upgrade, so a new or renamed KPI needs
    a revision calling ``refresh_kpi_measures``."""
    from alembic.script import ScriptDirectory

    from workforce.warehouse.revisions import _config

    recorded = next(script.module.KPI_CATALOGUE
                    for script in ScriptDirectory.from_config(_config()).walk_revisions()
                    if hasattr(script.module, "KPI_CATALOGUE"))
    assert recorded == catalogue_digest(), (
        "workforce.measures.CATALOGUE changed since the last revision refreshed kpi_measure: "
        "add a revision whose upgrade() calls workforce.warehouse.reference."
        f"refresh_kpi_measures(op.get_bind()) and sets KPI_CATALOGUE = {catalogue_digest()!r}")


def test_calendar_month_gives_dates_and_financial_years(engine: Engine) -> None:
    require_current(engine)
    months = {r["period"]: r for r in rows(engine, "SELECT * FROM calendar_month")}
    assert len(months) == 61 * 12 and min(months) == "2000-01" and max(months) == "2060-12"
    march = months["2025-03"]
    assert is_date(march["month_start"], "2025-03-01", engine)
    assert is_date(march["month_end"], "2025-03-31", engine)
    assert (march["financial_year"], march["month_name"], march["year"],
            march["month_number"]) == ("2024-25", "March 2025", 2025, 3)
    assert months["2025-04"]["financial_year"] == "2025-26"
    assert months["2000-01"]["financial_year"] == "1999-00"
    assert is_date(months["2024-02"]["month_end"], "2024-02-29", engine)
    assert is_date(months["2060-12"]["month_end"], "2060-12-31", engine)


# --- the documentation ---------------------------------------------------------------------

_SECTION = re.compile(r"^### (\w+)\s*$")
_ROW = re.compile(r"^\| `(\w+)` \|")


def documented_columns() -> dict[str, list[str]]:
    """Each ``### name`` section of docs/warehouse.md and the backticked names opening the
    rows of its table, in order."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if heading := _SECTION.match(line):
            current = sections.setdefault(heading[1], [])
        elif line.startswith("#"):
            current = None
        elif current is not None and (row := _ROW.match(line)):
            current.append(row[1])
    return {name: columns for name, columns in sections.items() if columns}


def test_every_column_of_every_view_and_reference_table_is_documented(engine: Engine) -> None:
    require_current(engine)
    documented = documented_columns()
    bi_views = sorted(v for v in inspect(engine).get_view_names() if v.startswith("bi_"))
    assert bi_views == sorted(VIEWS)
    assert sorted(documented) == sorted(VIEWS + REFERENCE_TABLES)
    with engine.connect() as connection:
        for name in VIEWS + REFERENCE_TABLES:
            actual = list(connection.execute(text(f"SELECT * FROM {name} WHERE 1 = 0")).keys())
            assert documented[name] == actual, name


def test_the_views_never_show_a_worker_reference(engine: Engine) -> None:
    require_current(engine)
    with engine.connect() as connection:
        for view in VIEWS:
            columns = connection.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys()
            assert not [c for c in columns if "worker_ref" in c], view
