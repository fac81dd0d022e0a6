"""The monitoring-visit workforce pack for one authority and month, on demand (say, when
Ofsted announces a visit), rendered only from what is already in the warehouse.

Params: ``snapshot_date`` (YYYY-MM-DD, required): the pack is for the calendar month that
contains it (2025-03-14 and 2025-03-31 both give March 2025); ``authority`` (required): the
authority code. Nothing is loaded or computed here: if that month has not been loaded and
its KPIs computed (by ``workforce_monthly``), the run fails saying so. The pack (PDF and
HTML) replaces the one in ``output/<AUTHORITY>/<YYYY-MM>/`` and the folder's
``manifest.json`` is rewritten with its checksum.

    airflow dags trigger monitoring_visit_pack \\
        --conf '{"snapshot_date": "2025-03-31", "authority": "NWT"}'
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException
from workforce_dag_common import DEFAULT_ARGS, run_period, warehouse_engine

REPORT = "monitoring-visit"


@dag(
    dag_id="monitoring_visit_pack",
    schedule=None,
    start_date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["workforce", "monitoring-visit"],
    params={
        "snapshot_date": Param(
            type="string", format="date", title="Snapshot date",
            description="YYYY-MM-DD; the pack is for the calendar month containing this day"),
        # The same form as an authority's settings file name (config/<CODE>.yaml).
        "authority": Param(type="string", pattern=r"^[A-Za-z0-9_-]+$", minLength=1,
                           title="Authority", description="authority code, e.g. NWT"),
    },
    doc_md=__doc__,
)
def monitoring_visit_pack():
    @task
    def render_pack() -> list[str]:
        from workforce.config import output_root
        from workforce.kpis import MonthNotLoaded
        from workforce.pipeline import require_loaded
        from workforce.publish import month_output
        from workforce.reports.build import ReportUnavailable, render_report

        context = get_current_context()
        authority, period = context["params"]["authority"], run_period(context)
        engine = warehouse_engine()
        try:
            require_loaded(engine, authority, period)
            paths = render_report(engine, REPORT, authority, period,
                                  month_output(output_root(), authority, period))
        except (MonthNotLoaded, ReportUnavailable) as exc:
            # Missing data: a retry would find the same, so fail now and say what to run.
            raise AirflowFailException(
                f"No monitoring-visit pack for {authority} {period}: {exc}. Run "
                f"workforce_monthly for that month first (conf "
                f'{{"period": "{period}", "authority": "{authority}"}}).') from None
        return [str(path) for path in paths]

    @task
    def publish() -> str:
        from workforce.config import output_root
        from workforce.publish import write_manifest

        context = get_current_context()
        return str(write_manifest(warehouse_engine(), context["params"]["authority"],
                                  run_period(context), output_root()))

    render_pack() >> publish()


monitoring_visit_pack()
