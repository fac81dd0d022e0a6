"""The partnership report, rendered when every member council's KPIs for a month are in.

Scheduled on the KPI asset ``workforce://warehouse/kpi_value`` that ``workforce_monthly``
updates once per authority and month (its extra names them), not on a clock: each event
plans the partnerships (``config/partnerships.yaml``) the authority belongs to, for that
month. A run then waits, checking every so often without holding a worker slot, until every
member's KPIs for the month are stored, and renders the report into
``output/partnerships/<CODE>/<YYYY-MM>/`` with a manifest of checksums. A member still
missing after ``WORKFORCE_PARTNERSHIP_WAIT_HOURS`` (default 72) fails the run, naming it.

By hand, for one partnership and month (no event needed):

    airflow dags trigger partnership_report --conf '{"partnership": "GM", "period": "2025-03"}'
"""

from __future__ import annotations

import datetime as dt
import logging
import os

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
from workforce_dag_common import DEFAULT_ARGS, KPI_ASSET, warehouse_engine

log = logging.getLogger("partnership_report")

WAIT_HOURS = float(os.environ.get("WORKFORCE_PARTNERSHIP_WAIT_HOURS", "72"))
POKE_MINUTES = float(os.environ.get("WORKFORCE_PARTNERSHIP_POKE_MINUTES", "30"))


@dag(
    dag_id="partnership_report",
    schedule=[KPI_ASSET],
    start_date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["workforce", "partnership"],
    params={
        "partnership": Param(None, type=["null", "string"], pattern=r"^[A-Za-z0-9_-]+$",
                             description="a partnership code, for a run by hand"),
        "period": Param(None, type=["null", "string"], pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                        description="YYYY-MM, with partnership, for a run by hand"),
    },
    doc_md=__doc__,
)
def partnership_report():
    @task
    def plan() -> list[str]:
        from workforce.partnerships import due_reports

        warehouse_engine()  # every task checks the warehouse's revision first
        context = get_current_context()
        params = context["params"]
        if params.get("partnership") or params.get("period"):
            if not (params.get("partnership") and params.get("period")):
                raise AirflowFailException("a run by hand takes both partnership and period")
            events = [{"partnership": params["partnership"], "period": params["period"]}]
        else:
            events = [dict(event.extra or {}) for events in
                      context["triggering_asset_events"].values() for event in events]
        due = due_reports(events)
        if not due:
            raise AirflowSkipException(f"no partnership has a member in {events}")
        return due

    @task.sensor(mode="reschedule", poke_interval=dt.timedelta(minutes=POKE_MINUTES),
                 timeout=dt.timedelta(hours=WAIT_HOURS * 1.5))
    def wait_for_members(due: str) -> PokeReturnValue:
        from workforce.partnerships import load_partnership
        from workforce.periods import Period
        from workforce.reports.partnership_figures import missing_members

        code, period = due.split(":")
        partnership = load_partnership(code)
        missing = missing_members(warehouse_engine(), partnership, Period.parse(period))
        if missing:
            started = get_current_context()["dag_run"].start_date or dt.datetime.now(dt.UTC)
            waited = dt.datetime.now(dt.UTC) - started
            if waited >= dt.timedelta(hours=WAIT_HOURS):
                raise AirflowFailException(
                    f"{code} {period}: no KPI results for {', '.join(missing)} after waiting "
                    f"{waited.total_seconds() / 3600:.1f} hours; run workforce_monthly for "
                    f"{'it' if len(missing) == 1 else 'them'}, then rerun this DAG")
            log.warning("%s %s: still waiting for the KPIs of %s", code, period,
                        ", ".join(missing))
        return PokeReturnValue(is_done=not missing, xcom_value=due)

    @task
    def publish(due: str) -> str:
        from workforce.config import output_root
        from workforce.periods import Period
        from workforce.reports.partnership import publish_partnership

        code, period = due.split(":")
        return str(publish_partnership(warehouse_engine(), code, Period.parse(period),
                                       output_root()))

    publish.expand(due=wait_for_members.expand(due=plan()))


partnership_report()
