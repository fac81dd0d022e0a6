"""Benchmark: the cost of each pipeline stage, from one council to all 153, against yardsticks.

``make bench`` runs every scenario (1 council x 60 months, 10 x 24, 153 x 12, one council
of 5,000 posts x 25 months, and a national year of census returns, ``census153``) on SQLite;
``--scenario 10x24`` runs one, ``--quick`` a small smoke run, ``--warehouse-url`` runs against
PostgreSQL (a fresh schema per scenario, dropped afterwards), ``--ingest-only`` stops
each scenario after the load (the ingest figures alone). Prints a table and writes JSON
(``var/bench/benchmark.json`` or ``--json``). Figures are measured, never asserted; the
targets they are compared with are the issue's, and docs/performance.md explains them.

How it measures:

* Every stage runs in a child process of its own, started fresh, so a stage's peak memory is
  that process's peak resident set (VmHWM in /proc/self/status), imports included: what a
  worker running the stage holds. (Not ``ru_maxrss``: Linux carries that across exec, so a
  child would report at least its parent's size.) Processes a stage starts itself (Airflow,
  the sample's pool) count through ``RUSAGE_CHILDREN``. Its time is measured in the child,
  around the work only (not imports).
* Stages run councils one after another in one process: the time is the CPU cost of the
  stage. Airflow's mapped tasks and ``workforce report --jobs`` spread it over the cores.
* Yardsticks, measured in the same run: reading the same extract files with pyarrow's CSV
  reader (the floor for ingest) and rendering a one-page PDF with WeasyPrint (the floor for
  a report). Each stage is reported as a ratio to its yardstick; each report also per
  page: its seconds over its pages over the one-page PDF's seconds, that PDF rendered
  again in the render stage, before and after the reports, so both see the same machine
  (median per report kind; the target is the slowest single report's). Beside them, a page
  filled by a plain 50-row table, the same way: what WeasyPrint itself needs for a page
  dense with table cells, against which the reports' pages can be read.
* Census import (``census153``; ``census5`` in the smoke run): a return per council for
  2024, the size of the council's published DfE row (``workforce.census.synthetic``), about
  48,000 worker records for the 153; imported one after another into a fresh warehouse as
  ``workforce census import`` does (read and validated against the schema, then stored in
  one transaction each). Its yardstick is parsing the same files with ``lxml.etree.parse``
  alone, in the same run.
* Census export (in ``5000x25``, when this version has ``workforce.census.export``): the
  large council's 2024 return from the warehouse and its landed extracts, against parsing
  the written file with lxml alone.
* The monthly DAG runs once through ``airflow dags test`` for the last month of the
  single-council scenario, with its own Airflow home and the scenario's warehouse (that
  month deleted first, so the run loads it again). Airflow's overhead is the part of that
  wall time not spent in the stages themselves, measured for the same month.
* ``--backfill`` runs a real backfill of the single council's months: a fresh PostgreSQL
  metadata database, the API server, scheduler and DAG processor as processes
  (LocalExecutor; ``scripts/airflow_services.py``, shared with tests/test_backfill.py), a
  fresh SQLite warehouse, and ``airflow backfill create`` as the README advises for
  history: every month but the last with the ``reports`` param off, then the last month
  with its reports. Timed from the first ``backfill create`` until every run has finished;
  task durations and queueing come from the metadata database afterwards.
* Children write Python's bytecode cache under ``var/bench/pycache`` even where the
  environment says not to (PYTHONDONTWRITEBYTECODE), so start-up is measured as an
  installed system would have it rather than compiling every module each time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import pickle
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
BENCH = PROJECT / "var" / "bench"
END = "2025-03"
SINGLE_CODE, SINGLE_POSTS = "BEN", 350  # the single council: the size of the sample's NWT
LARGE_POSTS = 5000
LAST_MONTH_REPEATS = 7  # a single council's last month is timed again this many times
REPORTS = ("cabinet", "monitoring-visit")
MIB = 1024  # ru_maxrss and VmHWM are in KiB on Linux

# The issue's targets; each is a (figure's name in the results, limit, unit) check.
TARGETS = (
    ("ingest_to_raw_read", "ingest (validate + load) within 3x the raw-read yardstick", 3.0),
    ("kpis_one_council_month_s", "KPIs for one council-month under 0.5 s", 0.5),
    ("kpis_large_council_month_s",
     "KPIs for a month of a council of 5,000 workers well under a second (0.5 s)", 0.5),
    ("kpis_national_month_s", "KPIs for the 153-council month under 20 s", 20.0),
    ("backfill_60_months_s", "a 60-month backfill through Airflow under 10 minutes", 600.0),
    ("national_month_peak_mib", "peak memory for the 153-council month under 2 GiB", 2048.0),
    ("census_import_national_s",
     "importing a national year of census returns (153) in seconds, not minutes (60 s)", 60.0),
    ("census_export_large_s",
     "exporting a large council's census return in seconds, not minutes (60 s)", 60.0),
    ("render_per_page_worst",
     "each report within 2x the one-page yardstick per page (the slowest report)", 2.0),
)
CENSUS_YEAR = 2024  # the returns are sized as the councils' published 2024 rows


@dataclass(frozen=True)
class Scenario:
    name: str
    councils: int
    months: int
    posts: int = SINGLE_POSTS  # of a single council; several are sized as the sample's are
    dag_run: bool = True  # a single council's last month also through Airflow

    @property
    def single(self) -> bool:
        return self.councils == 1

    @property
    def large(self) -> bool:
        return self.single and self.posts >= LARGE_POSTS


# 5000x25: the largest English councils' size (about 4,300 people in post), with 25 months
# so that the last month's rolling windows and retention history are all loaded.
SCENARIOS = {s.name: s for s in (Scenario("1x60", 1, 60), Scenario("10x24", 10, 24),
                                 Scenario("153x12", 153, 12),
                                 Scenario("5000x25", 1, 25, LARGE_POSTS, dag_run=False))}


@dataclass(frozen=True)
class CensusScenario:
    """A census year for ``returns`` councils: every published council (and, past the 151
    the DfE publishes, more the median's size), or as few spread across the sizes."""

    name: str
    returns: int


CENSUS_SCENARIOS = {s.name: s for s in (CensusScenario("census153", 153),
                                        CensusScenario("census5", 5))}
QUICK = (Scenario("1x3", 1, 3), Scenario("2x2", 2, 2), CENSUS_SCENARIOS["census5"])


# --- stages: each runs in a child process (``--child``) -----------------------------------


def _setup(work: dict[str, Any]) -> tuple[Any, list[str], list[Any]]:
    """The child's warehouse engine, council codes and months, from the work description."""
    from workforce.periods import Period, period_range
    from workforce.warehouse import make_engine

    end = Period.parse(work["end"])
    periods = period_range(end.shift(1 - work["months"]), end)
    return make_engine(work["url"]), work["codes"], periods


def stage_sample(work: dict[str, Any]) -> dict[str, Any]:
    from workforce.periods import Period
    from workforce.sample import write_authorities, write_sample

    root, end = Path(work["landing"]), Period.parse(work["end"])
    started = time.perf_counter()
    if work["councils"] == 1:
        write_sample(root, SINGLE_CODE, end, work["months"], work["posts"])
    else:
        write_authorities(root, work["councils"], end, work["months"])
    return {"seconds": time.perf_counter() - started}


def stage_raw_read(work: dict[str, Any]) -> dict[str, Any]:
    from pyarrow import csv as pa_csv

    from workforce.contracts import KINDS

    _, codes, periods = _setup(work)
    files = [Path(work["landing"]) / code / str(period) / f"{kind}.csv"
             for period in periods for code in codes for kind in KINDS]
    started, cpu, rows = time.perf_counter(), time.process_time(), 0
    for path in files:
        rows += pa_csv.read_csv(path).num_rows
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
            "files": len(files), "rows": rows}


def stage_validate(work: dict[str, Any]) -> dict[str, Any]:
    """Validate every council-month; keep each result for the load stage (untimed)."""
    from workforce.pipeline import validate_authority_month

    _, codes, periods = _setup(work)
    by_month, cpu = {}, 0.0
    for period in periods:
        by_month[str(period)] = 0.0
        for code in codes:
            started, cpu_started = time.perf_counter(), time.process_time()
            month = validate_authority_month(Path(work["landing"]), code, period)
            by_month[str(period)] += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            if not month.ok:
                raise SystemExit(f"{code} {period} does not validate")
            _validated_path(work, code, period).write_bytes(pickle.dumps(month))
    return {**_by_month(by_month), "cpu_seconds": cpu}


def stage_load(work: dict[str, Any]) -> dict[str, Any]:
    """Load every council-month in order from the validate stage's results."""
    from workforce.warehouse import load_month, upgrade_warehouse

    engine, codes, periods = _setup(work)
    upgrade_warehouse(engine)
    by_month, rows, cpu = {}, 0, 0.0
    for period in periods:
        by_month[str(period)] = 0.0
        for code in codes:
            month = pickle.loads(_validated_path(work, code, period).read_bytes())
            started, cpu_started = time.perf_counter(), time.process_time()
            result = load_month(engine, month, code)
            by_month[str(period)] += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            rows += sum(result.rows.values())
    # CPU time is this process's only: a PostgreSQL server's work is in the wall time.
    return {**_by_month(by_month), "rows": rows, "cpu_seconds": cpu}


def stage_kpis(work: dict[str, Any]) -> dict[str, Any]:
    """Every KPI at every scope for every council-month, months in order (rolling windows
    read the months before); then the last month again for every council at once, one
    process per CPU, as `workforce kpis --compute` and the DAG's mapped tasks run it."""
    from workforce.kpis import compute_many, compute_month

    engine, codes, periods = _setup(work)
    by_month, each, values = {}, [], 0
    for period in periods:
        by_month[str(period)] = 0.0
        for code in codes:
            started = time.perf_counter()
            values += len(compute_month(engine, code, period))
            each.append(time.perf_counter() - started)
            by_month[str(period)] += each[-1]
    started = time.perf_counter()
    compute_many(work["url"], codes, periods[-1])
    parallel = time.perf_counter() - started
    # One timing of a month is at the mercy of whatever else the machine does: a single
    # council's last month is timed again, in CPU time as well as wall time.
    repeats = []
    for _ in range(LAST_MONTH_REPEATS if len(codes) == 1 else 0):
        wall, cpu = time.perf_counter(), time.process_time()
        compute_month(engine, codes[0], periods[-1])
        repeats.append((time.perf_counter() - wall, time.process_time() - cpu))
    if repeats:
        walls, cpus = zip(*repeats, strict=True)
        repeated = {"last_month_repeats": len(repeats),
                    "last_month_median_s": statistics.median(walls),
                    "last_month_median_cpu_s": statistics.median(cpus),
                    "last_month_least_s": min(walls)}
    else:
        repeated = {}
    return {**_by_month(by_month), **repeated, "kpi_values": values,
            "council_month_median_s": statistics.median(each),
            "last_month_parallel_s": parallel, "processes": min(os.cpu_count() or 1,
                                                                len(codes))}


def stage_render(work: dict[str, Any]) -> dict[str, Any]:
    """Both reports for the chosen council-months, one at a time; each report's seconds
    (wall and CPU) and pages, for its time per page."""
    from pypdf import PdfReader

    from workforce.periods import Period
    from workforce.reports.build import render_report

    engine, _, _ = _setup(work)
    # The yardstick again, beside the reports (before and after them): a shared machine's
    # load changes within a run, and the ratio per page should compare like with like.
    yardstick = Path(work["output"]) / "yardstick.pdf"
    beside = [one_page_pdf(yardstick)]
    table_page = [table_page_pdf(yardstick)]
    renders: list[dict[str, Any]] = []
    last_month: dict[str, float] = {}
    for code, period in work["render"]:
        for kind in REPORTS:
            started, cpu = time.perf_counter(), time.process_time()
            pdf, _ = render_report(engine, kind, code, Period.parse(period), Path(work["output"]))
            renders.append({"kind": kind, "code": code, "period": period,
                            "seconds": time.perf_counter() - started,
                            "cpu_seconds": time.process_time() - cpu,
                            "pages": len(PdfReader(pdf).pages)})
            if period == work["end"]:
                last_month[kind] = renders[-1]["seconds"]
    beside.append(one_page_pdf(yardstick))
    table_page.append(table_page_pdf(yardstick))

    def median(figure: str, per_page: bool = False) -> dict[str, float]:
        return {kind: statistics.median(r[figure] / (r["pages"] if per_page else 1)
                                        for r in renders if r["kind"] == kind)
                for kind in REPORTS}

    return {"seconds": sum(r["seconds"] for r in renders), "renders": renders,
            "per_report_median_s": median("seconds"),
            "per_page_median_s": median("seconds", per_page=True),
            "per_page_median_cpu_s": median("cpu_seconds", per_page=True),
            "pages": {k: [r["pages"] for r in renders if r["kind"] == k] for k in REPORTS},
            "pdf_one_page_s": statistics.mean(wall for wall, _ in beside),
            "pdf_one_page_cpu_s": statistics.mean(cpu for _, cpu in beside),
            "pdf_table_page_s": statistics.mean(wall for wall, _ in table_page),
            "reports": len(renders), "last_month_s": last_month}


def one_page_pdf(target: Path) -> tuple[float, float]:
    """The yardstick: a one-page PDF (heading, paragraph, small table) with WeasyPrint as it
    comes; wall and CPU seconds (see ``_weasyprint_seconds``)."""
    rows = "".join(f"<tr><td>Team {i}</td><td>{i * 3}</td></tr>" for i in range(12))
    return _weasyprint_seconds(
        f"<html lang='en-GB'><title>Yardstick</title><h1>Workforce</h1><p>{'Text. ' * 80}"
        f"</p><table><tr><th>Team</th><th>Posts</th></tr>{rows}</table></html>", target)


def table_page_pdf(target: Path) -> tuple[float, float]:
    """A reference beside the yardstick: one page filled by a plain table, 50 rows of six
    short cells at 8 pt (a page of the pack's lists of people, without their styling), with
    WeasyPrint as it comes. It shows what the engine itself needs for a page dense with
    table cells, each of which it lays out and draws as a text of its own."""
    rows = "".join(f"<tr><td>W{i:05d}</td><td>Children in need team {i % 5}</td>"
                   f"<td>Social worker</td><td>1.0</td><td>3 March 2024</td><td>Agency</td></tr>"
                   for i in range(50))
    return _weasyprint_seconds(
        "<html lang='en-GB'><title>Table page</title><style>table { font-size: 8pt }</style>"
        "<table><tr><th>Ref</th><th>Team</th><th>Role</th><th>FTE</th><th>Date</th>"
        f"<th>Type</th></tr>{rows}</table></html>", target)


def _weasyprint_seconds(page: str, target: Path) -> tuple[float, float]:
    """Wall and CPU seconds to write ``page`` as a PDF: the median of five after one to load
    fonts, as the reports' median is mostly of warm renders too."""
    from weasyprint import HTML

    times, cpu = [], []
    for _ in range(6):
        started, cpu_started = time.perf_counter(), time.process_time()
        target.write_bytes(HTML(string=page).write_pdf())
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(times[1:]), statistics.median(cpu[1:])


def stage_pdf_yardstick(work: dict[str, Any]) -> dict[str, Any]:
    from weasyprint.text.ffi import harfbuzz_subset

    seconds, cpu = one_page_pdf(Path(work["output"]) / "yardstick.pdf")
    # Without HarfBuzz-Subset, fontTools subsets the font: most of this page's time.
    return {"seconds": seconds, "cpu_seconds": cpu, "harfbuzz_subset": harfbuzz_subset is not None}


def stage_airflow(work: dict[str, Any]) -> dict[str, Any]:
    """``airflow dags test`` for the single council's last month (peak memory: the Airflow
    process, this child's child)."""
    started = time.perf_counter()
    succeeded = _dags_test(work, work["end"], "dags-test.log")
    return {"seconds": time.perf_counter() - started, "succeeded": succeeded}


def _dags_test(work: dict[str, Any], period: str, log_name: str) -> bool:
    """One DAG run for the month ``period`` (run on the 5th of the month after); whether the
    run finished in success."""
    from workforce.periods import Period

    after = Period.parse(period).shift(1)
    log = Path(work["airflow_env"]["AIRFLOW_HOME"]) / log_name
    with log.open("w") as out:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("airflow")), "dags", "test", "workforce_monthly",
             f"{after.year}-{after.month:02d}-05", "--conf",
             json.dumps({"authority": work["codes"][0]})],
            env={**os.environ, **work["airflow_env"]}, stdout=out, stderr=subprocess.STDOUT,
            check=False)
    finished = [line for line in log.read_text().splitlines() if "DagRun Finished" in line]
    return done.returncode == 0 and bool(finished) and "state=success" in finished[-1]


def stage_census_write(work: dict[str, Any]) -> dict[str, Any]:
    """A 2024 return per council, sized as its published row; the list of files (code, name,
    path) for the stages after."""
    from workforce.census.synthetic import published_councils, records, synthetic_return

    started = time.perf_counter()
    councils = published_councils(CENSUS_YEAR)
    by_size = sorted(councils, key=records)
    wanted = work["returns"]
    if wanted <= len(councils):  # spread across the sizes, smallest to largest
        chosen = [by_size[round(i * (len(by_size) - 1) / max(wanted - 1, 1))]
                  for i in range(wanted)]
    else:  # every council, and more of the median's size to make up the number
        median = by_size[len(by_size) // 2]
        chosen = councils + [{**median, "la_name": f"Extra council {n + 1}",
                              "old_la_code": f"99{n}", "new_la_code": f"E99{n:06d}"}
                             for n in range(wanted - len(councils))]
    folder = Path(work["census"])
    folder.mkdir(parents=True, exist_ok=True)
    files, total = [], 0
    for n, row in enumerate(chosen):
        # Two returns cover two councils each ("940 / 941"): filed under the first code.
        code = str(row["new_la_code"]).split("/")[0].strip()
        lea = str(row["old_la_code"]).split("/")[0].strip() or f"9{n:02d}"
        path = folder / f"{code}_{CENSUS_YEAR}.xml"
        path.write_text(synthetic_return(row, CENSUS_YEAR, lea, first_swe=n * 5000),
                        encoding="utf-8")
        files.append({"code": code, "name": str(row["la_name"]), "path": str(path)})
        total += records(row)
    (folder / "files.json").write_text(json.dumps(files))
    return {"seconds": time.perf_counter() - started, "files": len(files), "records": total,
            "bytes": sum(Path(f["path"]).stat().st_size for f in files),
            "largest_records": max(records(row) for row in chosen)}


def _census_files(work: dict[str, Any]) -> list[dict[str, str]]:
    return json.loads((Path(work["census"]) / "files.json").read_text())


def stage_census_parse(work: dict[str, Any]) -> dict[str, Any]:
    """The yardstick: the same files parsed with lxml alone (no schema, no values read)."""
    from lxml import etree

    files = _census_files(work)
    started, elements = time.perf_counter(), 0
    for file in files:
        elements += len(etree.parse(file["path"]).getroot())
    return {"seconds": time.perf_counter() - started, "files": len(files),
            "top_level_elements": elements}


def stage_census_import(work: dict[str, Any]) -> dict[str, Any]:
    """Every return read (validated against its schema, values typed) and stored (one
    transaction each) into a fresh warehouse, as `workforce census import` does."""
    from workforce.census.read import read_census
    from workforce.census.store import import_census
    from workforce.config import AuthorityConfig
    from workforce.warehouse import make_engine, upgrade_warehouse

    engine = make_engine(work["url"])
    upgrade_warehouse(engine)  # untimed: a fresh warehouse
    read_s, store_s, each, workers, values = 0.0, 0.0, [], 0, 0
    largest = (0, 0.0)
    for file in _census_files(work):
        started = time.perf_counter()
        census, findings = read_census(Path(file["path"]))
        read = time.perf_counter() - started
        if census is None:
            raise SystemExit(f"{file['path']} is refused: {findings[0].message}")
        imported = import_census(engine, census, file["code"],
                                 AuthorityConfig(code=file["code"], name=file["name"]))
        store = time.perf_counter() - started - read
        read_s, store_s = read_s + read, store_s + store
        each.append(read + store)
        workers, values = workers + imported.workers, values + imported.kpis
        largest = max(largest, (imported.workers, read + store))
    engine.dispose()
    return {"seconds": read_s + store_s, "read_s": read_s, "store_s": store_s,
            "returns": len(each), "workers": workers, "kpi_values": values,
            "per_return_median_s": statistics.median(each),
            "largest_return_workers": largest[0], "largest_return_s": largest[1]}


def stage_census_export(work: dict[str, Any]) -> dict[str, Any]:
    """The council's return for the census year from the warehouse and its landed extracts
    (``workforce census export``), then, as its yardstick, the written file parsed with lxml
    alone. The council's settings give the LA code a return needs (a folder of its own, so
    the other stages keep running on the defaults)."""
    from lxml import etree

    os.environ["WORKFORCE_CONFIG_DIR"] = work["census_config"]
    from workforce.census.export import export_census

    engine, codes, _ = _setup(work)
    out = Path(work["output"]) / f"{codes[0]}_{CENSUS_YEAR}.xml"
    started = time.perf_counter()
    result = export_census(engine, codes[0], CENSUS_YEAR, out, Path(work["landing"]))
    seconds = time.perf_counter() - started
    if not result.written:
        raise SystemExit(result.describe())
    parse = []
    for _ in range(5):
        started = time.perf_counter()
        etree.parse(str(out))
        parse.append(time.perf_counter() - started)
    return {"seconds": seconds, "workers": result.workers, "gaps": len(result.missing),
            "bytes": out.stat().st_size, "parse_s": statistics.median(parse)}


STAGES = {
    "census_write": stage_census_write,
    "census_export": stage_census_export,
    "census_parse": stage_census_parse,
    "census_import": stage_census_import,
    "sample": stage_sample,
    "raw_read": stage_raw_read,
    "validate": stage_validate,
    "load": stage_load,
    "kpis": stage_kpis,
    "render": stage_render,
    "pdf_yardstick": stage_pdf_yardstick,
    "airflow": stage_airflow,
}


def _validated_path(work: dict[str, Any], code: str, period: Any) -> Path:
    folder = Path(work["scratch"]) / "validated" / code
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{period}.pickle"


def _by_month(by_month: dict[str, float]) -> dict[str, Any]:
    return {"seconds": sum(by_month.values()), "by_month_s": by_month,
            "last_month_s": by_month[max(by_month)]}


def peak_rss_mib() -> float:
    """This process's peak resident set since it started (exec), in MiB."""
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines()
                if line.startswith("VmHWM:")) / MIB


def child(stage: str, work_file: Path) -> None:
    # Councils without settings files are expected here: no warning per council-month.
    logging.getLogger("workforce.config").setLevel(logging.ERROR)
    work = json.loads(work_file.read_text())
    started = peak_rss_mib()
    result = STAGES[stage](work)
    # Its own peak, or that of a process it ran (Airflow, the sample's pool), if larger.
    result["peak_rss_mib"] = max(peak_rss_mib(),
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / MIB)
    result["start_rss_mib"] = started
    work_file.with_suffix(".result.json").write_text(json.dumps(result))


# --- the parent: scenarios, figures, table -----------------------------------------------


def child_env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(BENCH / "pycache")
    # Sample data: any key will do, and setting one keeps the development-key warning quiet.
    env["WORKFORCE_PSEUDONYM_KEY"] = "benchmark"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT / "plugins"),
                                                      env.get("PYTHONPATH")]))
    return env


def run_stage(stage: str, work: dict[str, Any]) -> dict[str, Any]:
    work_file = Path(work["scratch"]) / f"{stage}.json"
    work_file.write_text(json.dumps(work))
    print(f"  {stage}...", end="", flush=True)
    subprocess.run([sys.executable, __file__, "--child", stage, str(work_file)],
                   env=child_env(), check=True)
    result = json.loads(work_file.with_suffix(".result.json").read_text())
    print(f" {result['seconds']:.2f} s, peak {result['peak_rss_mib']:.0f} MiB", flush=True)
    return result


def fresh_warehouse(base_url: str | None, name: str, scratch: Path) -> str:
    """An empty warehouse: a SQLite file, or a new PostgreSQL schema ``bench_<name>``."""
    if base_url is None:
        return f"sqlite:///{scratch / f'{name}.db'}"
    _postgres(base_url, f"DROP SCHEMA IF EXISTS {_schema(name)} CASCADE",
              f"CREATE SCHEMA {_schema(name)}")
    joiner = "&" if "?" in base_url else "?"
    return f"{base_url}{joiner}options=-csearch_path%3D{_schema(name)}"


def drop_warehouse(base_url: str | None, name: str) -> None:
    if base_url is not None:
        _postgres(base_url, f"DROP SCHEMA IF EXISTS {_schema(name)} CASCADE")


def _schema(name: str) -> str:
    return "bench_" + name.replace("x", "_by_")


def _postgres(url: str, *sql: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(url)
    with admin.begin() as connection:
        for statement in sql:
            connection.execute(text(statement))
    admin.dispose()


def render_targets(scenario: Scenario, codes: list[str], landing: Path, quick: bool) -> list:
    """Which council-months to render: the single council's last three months (the large
    council's last), or the smallest, median and largest council's last month (a report
    takes seconds, so not all 153)."""
    from workforce.periods import Period

    end = Period.parse(END)
    if scenario.single:
        return [(codes[0], str(end.shift(-k))) for k in ((0,) if scenario.large else (2, 1, 0))]
    by_size = sorted(codes, key=lambda c: (landing / c / END / "establishment.csv").stat().st_size)
    chosen = by_size[:1] if quick else [by_size[0], by_size[len(by_size) // 2], by_size[-1]]
    return [(code, END) for code in chosen]


def prepare_airflow(work: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """An Airflow home of its own, migrated (untimed), and the month for the run deleted from
    the warehouse so the DAG validates, loads, computes and renders it again."""
    from sqlalchemy import create_engine

    from workforce.warehouse.sql import statements

    home = scratch / "airflow"
    env = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "WORKFORCE_LANDING_ROOT": work["landing"],
        "WORKFORCE_OUTPUT_ROOT": str(scratch / "airflow-output"),
        "WORKFORCE_WAREHOUSE_URL": work["url"],
    }
    home.mkdir(parents=True, exist_ok=True)
    print("  airflow db migrate (untimed)...", flush=True)
    airflow = str(Path(sys.executable).with_name("airflow"))
    with (home / "db-migrate.log").open("w") as log:
        subprocess.run([airflow, "db", "migrate"], env={**child_env(), **env}, stdout=log,
                       stderr=subprocess.STDOUT, check=True)
    engine = create_engine(work["url"])
    with engine.begin() as connection:
        for statement in statements("delete_month"):
            connection.execute(statement, {"authority_code": work["codes"][0], "period": END})
    engine.dispose()
    return {**work, "airflow_env": env}


# --- a real backfill through the scheduler -------------------------------------------------


def run_backfill(work: dict[str, Any], scratch: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every month of the single council through ``airflow backfill create`` (see the module
    docstring): runs, seconds, seconds per run, and where a run's time goes."""
    sys.path.insert(0, str(PROJECT / "scripts"))
    from airflow_services import (
        DAG_ID,
        Airflow,
        local_env,
        postgres_databases,
        run_states,
        service_ports,
        wait_for_backfill,
    )
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from workforce.periods import Period, period_range

    end = Period.parse(work["end"])
    periods = period_range(end.shift(1 - work["months"]), end)
    home = scratch / "backfill-airflow"
    home.mkdir(parents=True, exist_ok=True)
    # Run dates: the 5th of the month after each month; the bounds are inclusive dates.
    first_run, last_run = periods[0].shift(1).start, end.shift(1).start
    history_to = (last_run - dt.timedelta(days=1)).isoformat()
    steps = [(first_run.isoformat(), history_to, False, len(periods) - 1),
             (last_run.isoformat(), end.shift(1).end.isoformat(), True, 1)]
    if args.backfill_reports == "all":
        steps = [(first_run.isoformat(), end.shift(1).end.isoformat(), True, len(periods))]
    result: dict[str, Any] = {"runs": len(periods), "reports": args.backfill_reports,
                              "steps": []}
    with postgres_databases(args.metadata_server) as new_database:
        ports = service_ports()
        env = local_env(home, new_database("airflow_bench"), landing=Path(work["landing"]),
                        output=scratch / "backfill-output",
                        warehouse_url=fresh_warehouse(None, "backfill", scratch),
                        config_dir=Path(os.environ["WORKFORCE_CONFIG_DIR"]), ports=ports,
                        base=child_env())
        env["PYTHONPYCACHEPREFIX"] = str(BENCH / "pycache")
        airflow = Airflow(env, home, ports)
        metadata = create_engine(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], poolclass=NullPool)
        try:
            print("  backfill: airflow db migrate, services (untimed)...", flush=True)
            airflow.run("db", "migrate", timeout=600)
            started = time.perf_counter()
            airflow.start_services()
            airflow.wait_until_ready(metadata, timeout=300)
            airflow.run("dags", "unpause", DAG_ID)
            result["services_up_s"] = time.perf_counter() - started
            started, runs = time.perf_counter(), 0
            for first, last, reports, count in steps:
                step_started = time.perf_counter()
                print(f"  backfill {first}..{last}, {count} runs, reports "
                      f"{'on' if reports else 'off'}...", end="", flush=True)
                airflow.run("backfill", "create", "--dag-id", DAG_ID, "--from-date", first,
                            "--to-date", last, "--max-active-runs", "1", "--dag-run-conf",
                            json.dumps({"authority": work["codes"][0], "reports": reports}))
                runs += count
                wait_for_backfill(airflow, metadata, runs, timeout=args.backfill_timeout)
                seconds = time.perf_counter() - step_started
                print(f" {seconds:.1f} s ({seconds / count:.1f} s a run)", flush=True)
                result["steps"].append({"from": first, "to": last, "reports": reports,
                                        "runs": count, "seconds": seconds})
            result["seconds"] = time.perf_counter() - started
            result["succeeded"] = sum(s == "success" for s in run_states(metadata, DAG_ID))
            result["per_run_s"] = result["seconds"] / result["runs"]
            result["where"] = backfill_profile(metadata, DAG_ID)
        finally:
            airflow.stop()
            metadata.dispose()
    return result


def backfill_profile(metadata: Any, dag_id: str) -> dict[str, Any]:
    """Where a run's time went, from the metadata database: each task's median duration
    (its process from start to end: fork, DAG parse, imports, the work) and median wait
    from queued to started, per reports setting; and per run, the wall time less its
    tasks' durations (the scheduler's loop between one task and the next, the run's start
    and end)."""
    from airflow_services import query

    off = "COALESCE(r.conf->>'reports', 'true') = 'false'"
    tasks = query(metadata, f"""
        SELECT t.task_id, {off} AS off,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY t.duration),
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY EXTRACT(EPOCH FROM t.start_date - t.queued_dttm)),
               COUNT(*)
        FROM task_instance AS t
        JOIN dag_run AS r ON r.dag_id = t.dag_id AND r.run_id = t.run_id
        WHERE t.dag_id = :dag GROUP BY t.task_id, off ORDER BY off, t.task_id""", dag=dag_id)
    runs = query(metadata, f"""
        SELECT r.run_id, EXTRACT(EPOCH FROM r.end_date - r.start_date),
               (SELECT SUM(duration) FROM task_instance t
                WHERE t.dag_id = r.dag_id AND t.run_id = r.run_id), {off}
        FROM dag_run AS r WHERE r.dag_id = :dag ORDER BY r.logical_date""", dag=dag_id)
    off_runs = [(float(wall), float(busy)) for _, wall, busy, is_off in runs if is_off]
    return {
        "tasks": [{"task": task, "reports": not is_off, "median_s": float(median),
                   "median_queued_to_start_s": float(queued), "count": count}
                  for task, is_off, median, queued, count in tasks],
        "reports_off_run_median_s":
            statistics.median(w for w, _ in off_runs) if off_runs else None,
        "reports_off_between_tasks_median_s":
            statistics.median(w - b for w, b in off_runs) if off_runs else None,
    }


def run_scenario(scenario: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    from workforce.sample import authority_codes

    scratch = BENCH / "work" / scenario.name
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "output").mkdir(parents=True)
    (scratch / "config").mkdir()
    codes = [SINGLE_CODE] if scenario.single else authority_codes(scenario.councils)
    work: dict[str, Any] = {
        "scratch": str(scratch), "landing": str(scratch / "landing"),
        "output": str(scratch / "output"), "end": END, "months": scenario.months,
        "councils": scenario.councils, "codes": codes, "posts": scenario.posts,
        "url": fresh_warehouse(args.warehouse_url, scenario.name, scratch),
    }
    size = f" of {scenario.posts:,} posts" if scenario.single else "(s)"
    print(f"Scenario {scenario.name}: {scenario.councils} council{size} x {scenario.months} "
          "months", flush=True)
    stages = {stage: run_stage(stage, work)
              for stage in ("sample", "raw_read", "validate", "load")}
    if args.ingest_only:
        drop_warehouse(args.warehouse_url, scenario.name)
        return {"scenario": scenario.name, "councils": scenario.councils,
                "months": scenario.months, "posts": scenario.posts if scenario.single else None,
                "large": scenario.large, "stages": stages, "ingest_only": True}
    stages["kpis"] = run_stage("kpis", work)
    if scenario.large and census_export_exists():
        config = scratch / "census-config"
        config.mkdir()
        (config / f"{codes[0]}.yaml").write_text(
            f"name: {codes[0]}\ncensus:\n  lea: '999'\n", encoding="utf-8")
        stages["census_export"] = run_stage("census_export",
                                            {**work, "census_config": str(config)})
    work["render"] = render_targets(scenario, codes, Path(work["landing"]), args.quick)
    stages["render"] = run_stage("render", work)
    if scenario.single and scenario.dag_run and not args.no_airflow:
        dag_work = prepare_airflow(work, scratch)
        stages["airflow"] = run_stage("airflow", dag_work)
    if scenario.single and scenario.dag_run and args.backfill:
        stages["backfill"] = run_backfill(work, scratch, args)
    drop_warehouse(args.warehouse_url, scenario.name)
    return {"scenario": scenario.name, "councils": scenario.councils,
            "months": scenario.months, "posts": scenario.posts if scenario.single else None,
            "large": scenario.large, "stages": stages}


def run_census_scenario(scenario: CensusScenario, args: argparse.Namespace) -> dict[str, Any]:
    scratch = BENCH / "work" / scenario.name
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    work: dict[str, Any] = {
        "scratch": str(scratch), "census": str(scratch / "census"),
        "returns": scenario.returns,
        "url": fresh_warehouse(args.warehouse_url, scenario.name, scratch),
    }
    print(f"Scenario {scenario.name}: {scenario.returns} census returns for "
          f"{CENSUS_YEAR}", flush=True)
    stages = {stage: run_stage(stage, work)
              for stage in ("census_write", "census_parse", "census_import")}
    drop_warehouse(args.warehouse_url, scenario.name)
    return {"scenario": scenario.name, "census": True, "returns": scenario.returns,
            "stages": stages}


def census_export_exists() -> bool:
    """Whether this version has ``workforce census export`` (the large council's return is
    timed when it does)."""
    import importlib.util

    return importlib.util.find_spec("workforce.census.export") is not None


def census_figures(result: dict[str, Any]) -> dict[str, Any]:
    stages = result["stages"]
    imported, parsed = stages["census_import"], stages["census_parse"]["seconds"]
    derived: dict[str, Any] = {
        "census_import_to_parse": imported["seconds"] / parsed,
        "census_read_to_parse": imported["read_s"] / parsed,
        "census_store_to_parse": imported["store_s"] / parsed,
    }
    if result["returns"] == 153:
        derived["census_import_national_s"] = imported["seconds"]
    return derived


def print_census_table(result: dict[str, Any]) -> None:
    stages, derived = result["stages"], result["figures"]
    written, imported = stages["census_write"], stages["census_import"]
    print(f"\n{result['scenario']}: {written['files']} census returns for {CENSUS_YEAR}, "
          f"{imported['workers']:,} worker records ({written['bytes'] / 2**20:.1f} MiB), "
          f"{imported['kpi_values']:,} KPI values")
    print(f"  {'stage':<26}{'seconds':>10}{'peak MiB':>10}  ratio to yardstick")
    rows = (
        ("census_write", written, ""),
        ("lxml parse", stages["census_parse"], "(yardstick)"),
        ("census_import", imported,
         f"{derived['census_import_to_parse']:.1f}x lxml parse"),
    )
    for name, s, ratio in rows:
        print(f"  {name:<26}{s['seconds']:>10.2f}{s['peak_rss_mib']:>10.0f}  {ratio}")
    print(f"  {'  read (schema, values)':<26}{imported['read_s']:>10.2f}{'':>10}  "
          f"{derived['census_read_to_parse']:.1f}x lxml parse")
    print(f"  {'  store (one txn each)':<26}{imported['store_s']:>10.2f}{'':>10}  "
          f"{derived['census_store_to_parse']:.1f}x lxml parse")
    print(f"  {'  per return':<26}{imported['per_return_median_s']:>10.3f}{'':>10}  "
          f"median; the largest ({imported['largest_return_workers']:,} records) "
          f"{imported['largest_return_s']:.2f} s")


def figures(result: dict[str, Any], yardstick_pdf_s: float) -> dict[str, Any]:
    """Ratios to the yardsticks, the Airflow overhead and the figures the targets name."""
    stages = result["stages"]
    ingest = stages["validate"]["seconds"] + stages["load"]["seconds"]
    derived: dict[str, Any] = {
        "ingest_to_raw_read": ingest / stages["raw_read"]["seconds"],
        "validate_to_raw_read": stages["validate"]["seconds"] / stages["raw_read"]["seconds"],
        "load_to_raw_read": stages["load"]["seconds"] / stages["raw_read"]["seconds"],
        # The same by CPU time, steadier on a shared machine (the client's only).
        "ingest_cpu_to_raw_read_cpu": sum(stages[s]["cpu_seconds"] for s in ("validate", "load"))
        / stages["raw_read"]["cpu_seconds"],
    }
    if result.get("ingest_only"):
        return derived
    render = stages["render"]
    derived["render_to_pdf_yardstick"] = {
        kind: seconds / yardstick_pdf_s for kind, seconds in render["per_report_median_s"].items()}
    # The issue's measure: a report's seconds per page against the one-page PDF's seconds,
    # the one-page PDF rendered beside the reports.
    page_s = render["pdf_one_page_s"]
    derived["render_per_page_to_yardstick"] = {
        kind: seconds / page_s for kind, seconds in render["per_page_median_s"].items()}
    derived["render_per_page_cpu_to_yardstick"] = {
        kind: seconds / render["pdf_one_page_cpu_s"]
        for kind, seconds in render["per_page_median_cpu_s"].items()}
    derived["table_page_to_yardstick"] = render["pdf_table_page_s"] / page_s
    derived["render_per_page_worst"] = max(
        r["seconds"] / r["pages"] / page_s for r in render["renders"])
    if "census_export" in stages:
        export = stages["census_export"]
        derived["census_export_large_s"] = export["seconds"]
        derived["census_export_to_parse"] = export["seconds"] / export["parse_s"]
    if result["councils"] == 1:
        key = "kpis_large_council_month_s" if result["large"] else "kpis_one_council_month_s"
        derived[key] = stages["kpis"]["last_month_median_s"]
    if result["councils"] == 153:
        derived["kpis_national_month_s"] = stages["kpis"]["last_month_parallel_s"]
        derived["national_month_peak_mib"] = max(
            stages[s]["peak_rss_mib"] for s in ("validate", "load", "kpis"))
    if "airflow" in stages:
        month = [stages[s]["by_month_s"][END] for s in ("validate", "load", "kpis")]
        month += stages["render"]["last_month_s"].values()
        wall = stages["airflow"]["seconds"]
        derived["airflow_month_stages_s"] = sum(month)
        derived["airflow_overhead"] = (wall - sum(month)) / wall
    # Measured with --backfill (scaled to 60 runs if the scenario has fewer months);
    # otherwise estimated as 60 runs like the one `airflow dags test` measured.
    backfill = stages.get("backfill")
    if backfill:
        derived["backfill_60_months_s"] = backfill["seconds"] * 60 / backfill["runs"]
        derived["backfill_measured"] = True
    elif "airflow" in stages:
        derived["backfill_60_months_s"] = 60 * stages["airflow"]["seconds"]
        derived["backfill_measured"] = False
    return derived


def print_table(result: dict[str, Any], yardsticks: dict[str, float]) -> None:
    stages, derived = result["stages"], result["figures"]
    kpi_values = f", {stages['kpis']['kpi_values']:,} KPI values" if "kpis" in stages else ""
    print(f"\n{result['scenario']}: {result['councils']} council(s) x {result['months']} "
          f"months, {stages['load']['rows']:,} rows loaded{kpi_values}")
    print(f"  {'stage':<26}{'seconds':>10}{'peak MiB':>10}  ratio to yardstick")
    ratios = {
        "raw_read": "(yardstick)",
        "validate": f"{derived['validate_to_raw_read']:.1f}x raw read",
        "load": f"{derived['load_to_raw_read']:.1f}x raw read "
                f"(ingest {derived['ingest_to_raw_read']:.1f}x; by CPU time "
                f"{derived['ingest_cpu_to_raw_read_cpu']:.1f}x)",
    }
    for stage in ("sample", "raw_read", "validate", "load", "kpis"):
        if stage not in stages:  # --ingest-only
            return
        s = stages[stage]
        print(f"  {stage:<26}{s['seconds']:>10.2f}{s['peak_rss_mib']:>10.0f}  "
              f"{ratios.get(stage, '')}")
    kpis = stages["kpis"]
    print(f"  {'  kpis, last month':<26}{kpis['last_month_s']:>10.2f}{'':>10}  "
          f"median {kpis['council_month_median_s']:.3f} s per council-month")
    if "last_month_repeats" in kpis:
        print(f"  {'  kpis, last month again':<26}{kpis['last_month_median_s']:>10.2f}{'':>10}  "
              f"median of {kpis['last_month_repeats']} (CPU "
              f"{kpis['last_month_median_cpu_s']:.2f} s; least {kpis['last_month_least_s']:.2f} s)")
    print(f"  {'  kpis, last month, pool':<26}{kpis['last_month_parallel_s']:>10.2f}{'':>10}  "
          f"{kpis['processes']} processes")
    if "census_export" in stages:
        export = stages["census_export"]
        print(f"  {'census export ' + str(CENSUS_YEAR):<26}{export['seconds']:>10.2f}"
              f"{export['peak_rss_mib']:>10.0f}  {derived['census_export_to_parse']:.0f}x lxml "
              f"parse of the file ({export['parse_s']:.3f} s); {export['workers']:,} records, "
              f"{export['gaps']:,} gaps listed")
    render = stages["render"]
    for kind, seconds in render["per_report_median_s"].items():
        pages = sorted(set(render["pages"][kind]))
        print(f"  {'render ' + kind:<26}{seconds:>10.2f}{render['peak_rss_mib']:>10.0f}  "
              f"{derived['render_to_pdf_yardstick'][kind]:.0f}x one-page PDF "
              f"({yardsticks['pdf_one_page_s']:.3f} s) per report")
        print(f"  {'  per page':<26}{render['per_page_median_s'][kind]:>10.3f}{'':>10}  "
              f"{derived['render_per_page_to_yardstick'][kind]:.2f}x one-page PDF beside it "
              f"({render['pdf_one_page_s']:.3f} s; CPU "
              f"{derived['render_per_page_cpu_to_yardstick'][kind]:.2f}x), "
              f"{'-'.join(map(str, sorted({pages[0], pages[-1]})))} pages")
    print(f"  {'  a page of plain table':<26}{render['pdf_table_page_s']:>10.3f}{'':>10}  "
          f"{derived['table_page_to_yardstick']:.2f}x one-page PDF (WeasyPrint as it comes: "
          "50 rows of 6 cells)")
    if "airflow" in stages:
        airflow = stages["airflow"]
        state = "succeeded" if airflow["succeeded"] else "FAILED"
        print(f"  {'airflow dags test':<26}{airflow['seconds']:>10.2f}"
              f"{airflow['peak_rss_mib']:>10.0f}  {state}; overhead "
              f"{derived['airflow_overhead']:.0%} (stages {derived['airflow_month_stages_s']:.2f}"
              " s)")
    if "backfill" in stages:
        backfill = stages["backfill"]
        print(f"  {'airflow backfill':<26}{backfill['seconds']:>10.2f}{'':>10}  "
              f"{backfill['succeeded']}/{backfill['runs']} runs succeeded, "
              f"{backfill['per_run_s']:.1f} s a run; reports: {backfill['reports']}")
        for step in backfill["steps"]:
            print(f"  {'  ' + step['from'] + '..' + step['to']:<26}{step['seconds']:>10.2f}"
                  f"{'':>10}  {step['runs']} runs, reports {'on' if step['reports'] else 'off'}")
        where = backfill["where"]
        for task in where["tasks"]:
            print(f"  {'    ' + task['task']:<26}{task['median_s']:>10.2f}{'':>10}  median, "
                  f"reports {'on' if task['reports'] else 'off'}, {task['count']} runs, "
                  f"queued to started {task['median_queued_to_start_s']:.2f} s")
        if where["reports_off_run_median_s"] is not None:
            print(f"  {'    run, reports off':<26}{where['reports_off_run_median_s']:>10.2f}"
                  f"{'':>10}  median; between tasks "
                  f"{where['reports_off_between_tasks_median_s']:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", action="append",
                        choices=[*SCENARIOS, *CENSUS_SCENARIOS],
                        help="run this scenario (repeatable; default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: scenarios " + ", ".join(q.name for q in QUICK))
    parser.add_argument("--no-airflow", action="store_true", help="skip the airflow dags test run")
    parser.add_argument("--ingest-only", action="store_true",
                        help="stop each scenario after the load: sample, raw read, validate "
                             "and load only (the ingest figures)")
    parser.add_argument("--backfill", action="store_true",
                        help="also backfill every month of the single council through "
                             "Airflow's scheduler (airflow backfill create)")
    parser.add_argument("--backfill-reports", choices=("latest", "all"), default="latest",
                        help="render reports in the backfill for the latest month only "
                             "(as the README advises; default) or for every month")
    parser.add_argument("--backfill-timeout", type=float, default=3600,
                        help="give up on a backfill step after this many seconds")
    parser.add_argument("--metadata-server",
                        default=os.environ.get("WORKFORCE_TEST_POSTGRES_URL",
                                               "postgresql+psycopg://postgres@127.0.0.1:5432/"
                                               "postgres"),
                        help="PostgreSQL server for the backfill's Airflow metadata database "
                             "(a fresh database, dropped after)")
    parser.add_argument("--warehouse-url", help="PostgreSQL URL (default: SQLite files)")
    parser.add_argument("--json", type=Path, default=BENCH / "benchmark.json")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return

    # Councils without a settings file run on the defaults; keep the project's config/ out.
    os.environ["WORKFORCE_CONFIG_DIR"] = str(BENCH / "work" / "config")
    (BENCH / "work" / "config").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(PROJECT / "plugins"))
    everything = [*SCENARIOS.values(), CENSUS_SCENARIOS["census153"]]
    chosen = list(QUICK) if args.quick else (
        [SCENARIOS.get(n) or CENSUS_SCENARIOS[n] for n in args.scenario] if args.scenario
        else everything)
    yardstick_work = {"scratch": str(BENCH / "work"), "output": str(BENCH / "work")}
    yardsticks: dict[str, float] = {}
    if not args.ingest_only:
        print("Yardstick: a one-page PDF with WeasyPrint", flush=True)
        one_page = run_stage("pdf_yardstick", yardstick_work)
        yardsticks.update(pdf_one_page_s=one_page["seconds"],
                          pdf_one_page_cpu_s=one_page["cpu_seconds"],
                          harfbuzz_subset=one_page["harfbuzz_subset"])
        if not one_page["harfbuzz_subset"]:
            print("  (no HarfBuzz-Subset: fonts are subset with fontTools, most of this page's "
                  "time)", flush=True)
    results = []
    for scenario in chosen:
        if isinstance(scenario, CensusScenario):
            result = run_census_scenario(scenario, args)
            result["figures"] = census_figures(result)
        else:
            result = run_scenario(scenario, args)
            result["figures"] = figures(result, yardsticks.get("pdf_one_page_s", 0.0))
        results.append(result)
    for result in results:
        if result.get("census"):
            print_census_table(result)
        else:
            print_table(result, yardsticks)

    measured = {k: v for r in results for k, v in r["figures"].items()}
    if worst := [r["figures"]["render_per_page_worst"] for r in results
                 if "render_per_page_worst" in r["figures"]]:
        measured["render_per_page_worst"] = max(worst)  # over every scenario, not the last
    targets = [{"target": text, "figure": measured[name], "limit": limit,
                "met": measured[name] <= limit}
               for name, text, limit in TARGETS if name in measured]
    if "backfill_measured" in measured:
        next(t for t in targets if "backfill" in t["target"])["measured"] = \
            measured["backfill_measured"]
    print("\nTargets")
    for t in targets:
        how = " (estimated: 60 x one DAG run)" if t.get("measured") is False else ""
        print(f"  {'met   ' if t['met'] else 'MISSED'} {t['target']}: {t['figure']:.2f}{how}")
    from workforce.version import code_version

    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code_version": code_version(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "warehouse": "postgresql" if args.warehouse_url else "sqlite",
        "yardsticks": yardsticks, "scenarios": results, "targets": targets,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {args.json}")


if __name__ == "__main__":
    main()
