"""Monthly run, per authority in parallel: wait for the month's four extracts, validate,
load, compute KPIs, render the cabinet report and the monitoring-visit pack, and publish
them to the archive folder with a manifest of checksums.

Wiring only: every step is a function of the ``workforce`` package. The month processed is
the one before the run's logical date (a run on 5 April reports March), or the ``period``
param for a hand-run rerun; never "now", so a backfill reproduces the original run.

The ``reports`` param (default true) renders the two PDF reports. Off, a run validates,
loads and computes as usual and publishes the month's manifest saying no reports were
rendered: for a backfill of past months, whose reports nobody will read and which take
most of a run's time (``airflow backfill create ... --dag-run-conf '{"reports": false}'``,
then the latest month with reports).

When an authority's KPIs are stored, ``compute_kpis`` updates the asset
``workforce://warehouse/kpi_value`` (name ``workforce_kpis``), one event per authority and
month with ``{"authority": ..., "period": "YYYY-MM"}`` as its extra: a DAG scheduled on it
runs after each month's figures are in. The warehouse is the Airflow connection
``workforce_warehouse`` when it exists, else ``WORKFORCE_WAREHOUSE_URL``; every task first
checks it is at this code's schema revision (else: run ``workforce db upgrade``), and a load
with a pseudonym key other than the authority's is refused. A failed task logs
one line (run, task, period, authority, reason) and emails it to the Variable
``workforce_alert_email`` when that is set.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from workforce_dag_common import DEFAULT_ARGS, KPI_ASSET, run_period, warehouse_engine

# Named for the DAG: Airflow imports DAG files under generated module names.
log = logging.getLogger("workforce_monthly")

# How long a run waits for late extracts, checking every so often without holding a slot.
WAIT_HOURS = float(os.environ.get("WORKFORCE_EXTRACT_WAIT_HOURS", "72"))
POKE_MINUTES = float(os.environ.get("WORKFORCE_EXTRACT_POKE_MINUTES", "30"))


def _run_period():
    return run_period(get_current_context())


@dag(
    dag_id="workforce_monthly",
    schedule=os.environ.get("WORKFORCE_MONTHLY_SCHEDULE", "0 6 5 * *"),
    start_date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    # Months in order by default: rolling and year-to-date measures read the months before.
    max_active_runs=int(os.environ.get("WORKFORCE_MAX_ACTIVE_RUNS", "1")),
    default_args=DEFAULT_ARGS,
    tags=["workforce", "monthly"],
    params={
        "period": Param(None, type=["null", "string"], pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                        description="YYYY-MM to process instead of the month before the run"),
        "authority": Param(None, type=["null", "string"],
                           description="one authority code instead of every configured one"),
        "reports": Param(True, type="boolean",
                         description="render the cabinet report and monitoring-visit pack; "
                                     "off for a backfill of past months (KPIs are stored and "
                                     "the manifest says no reports were rendered)"),
    },
    doc_md=__doc__,
)
def workforce_monthly():
    @task
    def plan() -> list[str]:
        from workforce.config import landing_root
        from workforce.pipeline import authorities_to_run

        warehouse_engine()  # every task checks the warehouse's revision first
        chosen = get_current_context()["params"].get("authority")
        authorities = authorities_to_run(landing_root(), _run_period(), chosen)
        if not authorities:
            raise AirflowFailException(f"no authority is configured or landed for "
                                       f"{_run_period()}")
        return authorities

    @task.sensor(mode="reschedule", poke_interval=dt.timedelta(minutes=POKE_MINUTES),
                 timeout=dt.timedelta(hours=WAIT_HOURS))
    def wait_for_extracts(authority: str) -> PokeReturnValue:
        from workforce.config import landing_root
        from workforce.pipeline import missing_extracts, month_folder

        warehouse_engine()
        missing = missing_extracts(landing_root(), authority, _run_period())
        if missing:
            log.warning(
                "%s %s: still waiting for %s in %s", authority, _run_period(),
                ", ".join(missing), month_folder(landing_root(), authority, _run_period()))
        return PokeReturnValue(is_done=not missing, xcom_value=authority)

    @task(retries=0)
    def validate(authority: str) -> str:
        from workforce.config import landing_root
        from workforce.pipeline import rejection, validate_authority_month

        warehouse_engine()
        month = validate_authority_month(landing_root(), authority, _run_period())
        if not month.ok:
            # Bad data will not get better by retrying: fail now, the findings first in the
            # log (file:row:column), then a one-line reason.
            rejected = str(rejection(month, authority))
            log.error("%s %s: %s", authority, _run_period(), rejected)
            raise AirflowFailException(f"{authority} {_run_period()}: "
                                       f"{rejected.splitlines()[0].rstrip(':')}; the findings "
                                       "are in the log above")
        return authority

    @task
    def load(authority: str) -> str:
        from workforce.config import landing_root
        from workforce.errors import PseudonymKeyError
        from workforce.pipeline import load_authority_month

        try:
            load_authority_month(landing_root(), authority, _run_period(), warehouse_engine())
        except PseudonymKeyError as exc:  # a retry would meet the same key
            raise AirflowFailException(str(exc)) from None
        return authority

    @task(outlets=[KPI_ASSET])
    def compute_kpis(authority: str) -> str:
        from workforce.kpis import compute_month

        compute_month(warehouse_engine(), authority, _run_period())
        # One asset event per authority and month, saying which.
        get_current_context()["outlet_events"][KPI_ASSET].extra = {
            "authority": authority, "period": str(_run_period())}
        return authority

    @task
    def render_reports(authority: str) -> str:
        if not get_current_context()["params"]["reports"]:
            log.info("%s %s: reports not rendered (the run's reports param is off)",
                     authority, _run_period())
            return authority
        from workforce.config import output_root
        from workforce.publish import render_reports as render

        render(warehouse_engine(), authority, _run_period(), output_root())
        return authority

    @task
    def publish(authority: str) -> str:
        from workforce.config import output_root
        from workforce.publish import write_manifest

        return str(write_manifest(warehouse_engine(), authority, _run_period(), output_root(),
                                  reports=get_current_context()["params"]["reports"]))

    landed = wait_for_extracts.expand(authority=plan())
    loaded = load.expand(authority=validate.expand(authority=landed))
    publish.expand(authority=render_reports.expand(authority=compute_kpis.expand(
        authority=loaded)))


workforce_monthly()
