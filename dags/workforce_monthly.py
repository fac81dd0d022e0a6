"""Monthly run: for each authority, validate the month's extracts, load them, compute KPIs.

Wiring only: every step is a function of the ``workforce`` package. The month processed is
the one before the run's logical date (a run on 5 April reports March), or the ``period``
param for a hand-run rerun.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException

DEFAULT_ARGS = {
    "owner": "workforce-data-team",
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": True,
}


def _run_period():
    from workforce.periods import Period, period_for_run

    context = get_current_context()
    chosen = context["params"].get("period")
    return Period.parse(chosen) if chosen else period_for_run(context["logical_date"].date())


@dag(
    dag_id="workforce_monthly",
    schedule="0 6 5 * *",
    start_date=dt.datetime(2023, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["workforce", "monthly"],
    params={
        "period": Param(None, type=["null", "string"], pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
                        description="YYYY-MM to process instead of the month before the run"),
        "authority": Param(None, type=["null", "string"],
                           description="one authority code instead of every one landed"),
    },
    doc_md=__doc__,
)
def workforce_monthly():
    @task
    def plan() -> list[str]:
        from workforce.config import landing_root
        from workforce.pipeline import authorities_landed

        chosen = get_current_context()["params"].get("authority")
        authorities = [chosen] if chosen else authorities_landed(landing_root(), _run_period())
        if not authorities:
            raise AirflowFailException(f"no authority has landed extracts for {_run_period()}")
        return authorities

    @task(retries=0)
    def validate(authorities: list[str]) -> dict[str, str]:
        from workforce.config import landing_root
        from workforce.findings import ExtractRejected, summary
        from workforce.pipeline import validate_authority_month

        results = {}
        for authority in authorities:
            month = validate_authority_month(landing_root(), authority, _run_period())
            if not month.ok:
                # Bad data will not get better by retrying: fail now, findings first.
                raise AirflowFailException(str(ExtractRejected(month.findings)))
            results[authority] = summary(month.findings)
        return results

    @task
    def load(authorities: list[str]) -> list[str]:
        from workforce.config import landing_root
        from workforce.pipeline import load_authority_month
        from workforce.warehouse import make_engine

        engine = make_engine()
        return [
            load_authority_month(landing_root(), a, _run_period(), engine).describe()
            for a in authorities
        ]

    @task
    def compute_kpis(authorities: list[str]) -> dict[str, int]:
        from workforce.kpis import compute_month
        from workforce.warehouse import make_engine

        engine = make_engine()
        return {a: len(compute_month(engine, a, _run_period())) for a in authorities}

    authorities = plan()
    validate(authorities) >> load(authorities) >> compute_kpis(authorities)


workforce_monthly()
