"""Monthly run, per authority in parallel: wait for the month's four extracts, validate,
load, compute KPIs, render the cabinet report and the monitoring-visit pack, and publish
them to the archive folder with a manifest of checksums.

Wiring only: every step is a function of the ``workforce`` package. The month processed is
the one before the run's logical date (a run on 5 April reports March), or the ``period``
param for a hand-run rerun; never "now", so a backfill reproduces the original run.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

DEFAULT_ARGS = {
    "owner": "workforce-data-team",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": True,
}
# How long a run waits for late extracts, checking every so often without holding a slot.
WAIT_HOURS = float(os.environ.get("WORKFORCE_EXTRACT_WAIT_HOURS", "72"))
POKE_MINUTES = float(os.environ.get("WORKFORCE_EXTRACT_POKE_MINUTES", "30"))


def _run_period():
    from workforce.periods import Period, period_for_run

    context = get_current_context()
    chosen = context["params"].get("period")
    return Period.parse(chosen) if chosen else period_for_run(context["logical_date"].date())


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
    },
    doc_md=__doc__,
)
def workforce_monthly():
    @task
    def plan() -> list[str]:
        from workforce.config import landing_root
        from workforce.pipeline import authorities_to_run

        chosen = get_current_context()["params"].get("authority")
        authorities = authorities_to_run(landing_root(), _run_period(), chosen)
        if not authorities:
            raise AirflowFailException(f"no authority is configured or landed for "
                                       f"{_run_period()}")
        return authorities

    @task.sensor(mode="reschedule", poke_interval=dt.timedelta(minutes=POKE_MINUTES),
                 timeout=dt.timedelta(hours=WAIT_HOURS))
    def wait_for_extracts(authority: str) -> PokeReturnValue:
        import logging

        from workforce.config import landing_root
        from workforce.pipeline import missing_extracts, month_folder

        missing = missing_extracts(landing_root(), authority, _run_period())
        if missing:
            logging.getLogger(__name__).warning(
                "%s %s: still waiting for %s in %s", authority, _run_period(),
                ", ".join(missing), month_folder(landing_root(), authority, _run_period()))
        return PokeReturnValue(is_done=not missing, xcom_value=authority)

    @task(retries=0)
    def validate(authority: str) -> str:
        from workforce.config import landing_root
        from workforce.findings import ExtractRejected
        from workforce.pipeline import validate_authority_month

        month = validate_authority_month(landing_root(), authority, _run_period())
        if not month.ok:
            # Bad data will not get better by retrying: fail now, findings first.
            raise AirflowFailException(str(ExtractRejected(month.findings)))
        return authority

    @task
    def load(authority: str) -> str:
        from workforce.config import landing_root
        from workforce.pipeline import load_authority_month
        from workforce.warehouse import make_engine

        load_authority_month(landing_root(), authority, _run_period(), make_engine())
        return authority

    @task
    def compute_kpis(authority: str) -> str:
        from workforce.kpis import compute_month
        from workforce.warehouse import make_engine

        compute_month(make_engine(), authority, _run_period())
        return authority

    @task
    def render_reports(authority: str) -> str:
        from workforce.config import output_root
        from workforce.publish import render_reports as render
        from workforce.warehouse import make_engine

        render(make_engine(), authority, _run_period(), output_root())
        return authority

    @task
    def publish(authority: str) -> str:
        from workforce.config import output_root
        from workforce.publish import write_manifest
        from workforce.warehouse import make_engine

        return str(write_manifest(make_engine(), authority, _run_period(), output_root()))

    landed = wait_for_extracts.expand(authority=plan())
    loaded = load.expand(authority=validate.expand(authority=landed))
    publish.expand(authority=render_reports.expand(authority=compute_kpis.expand(
        authority=loaded)))


workforce_monthly()
