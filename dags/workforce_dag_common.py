"""What the workforce DAGs share: task defaults, the failure alert, the month a run reports,
the warehouse connection and the KPI asset.

Not a DAG file (``.airflowignore`` lists it): Airflow puts the DAG folder on ``sys.path``,
so the DAG files import it by name. Nothing here runs at import time beyond building
constants; the domain package is imported inside the functions, when a task runs.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from airflow.sdk import Asset

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from workforce.periods import Period

log = logging.getLogger(__name__)

OWNER = "workforce-data-team"
# The warehouse as an Airflow connection (docker-compose's airflow-init creates it from
# WORKFORCE_WAREHOUSE_URL); without it, tasks use WORKFORCE_WAREHOUSE_URL as the CLI does.
WAREHOUSE_CONN_ID = "workforce_warehouse"
# Who is emailed when a task fails: an Airflow Variable (or AIRFLOW_VAR_WORKFORCE_ALERT_EMAIL),
# one address or several separated by commas. The mail server is the SMTP connection
# ([email] email_conn_id, by default smtp_default).
ALERT_EMAIL_VARIABLE = "workforce_alert_email"

# Updated once per authority and month when workforce_monthly has stored the month's KPIs;
# each event's extra names them: {"authority": "NWT", "period": "2025-03"}.
KPI_ASSET = Asset(uri="workforce://warehouse/kpi_value", name="workforce_kpis")


def notify_failure(context: Mapping[str, Any]) -> None:
    """Task failure callback: one log line always, and an email when a recipient is set.

    Never raises (a failing alert must not hide the task's own error under a second
    traceback)."""
    summary = failure_summary(context)
    log.error("%s", summary)
    recipients = _alert_recipients()
    if not recipients:
        return
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier
    from airflow.sdk import conf

    ti = context["ti"]
    notifier = SmtpNotifier(
        to=recipients,
        from_email=conf.get("email", "from_email", fallback=None),
        subject=f"[workforce] {ti.dag_id} failed at {ti.task_id}",
        html_content=f"<p>{html.escape(summary)}</p>",
    )
    try:
        # notify() rather than notifier(context): the text is final, and an exception
        # message must not be read as a Jinja template.
        notifier.notify(context)  # type: ignore[arg-type]
    except Exception as exc:
        log.warning("Could not email the failure to %s: %s", recipients, _first_line(exc))


def failure_summary(context: Mapping[str, Any]) -> str:
    """``<dag> failed: run <run>, task <task>[<map index>], period <YYYY-MM>, authority
    <code>: <ExceptionType>: <first line of its message>``."""
    ti = context["ti"]
    mapped = getattr(ti, "map_index", -1) not in (-1, None)
    task = f"{ti.task_id}[{ti.map_index}]" if mapped else ti.task_id
    try:
        period = str(run_period(context))
    except (KeyError, TypeError, ValueError, AttributeError):
        period = "unknown"
    error = context.get("exception")
    reason = (f"{type(error).__name__}: {_first_line(error)}"
              if isinstance(error, BaseException) else _first_line(error or "no error recorded"))
    return (f"{ti.dag_id} failed: run {ti.run_id}, task {task}, period {period}, "
            f"authority {_authority(context) or 'all'}: {reason}")


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else ""


def _authority(context: Mapping[str, Any]) -> str | None:
    # A mapped task's own authority, else the one the run was limited to.
    op_kwargs = getattr(context.get("task"), "op_kwargs", None) or {}
    return op_kwargs.get("authority") or (context.get("params") or {}).get("authority")


def _alert_recipients() -> str | None:
    from airflow.sdk import Variable

    try:
        return (Variable.get(ALERT_EMAIL_VARIABLE, default=None) or "").strip() or None
    except Exception as exc:  # the alert must not fail because settings are unreachable
        log.warning("Could not read the Variable %s: %s", ALERT_EMAIL_VARIABLE,
                    _first_line(exc))
        return None


DEFAULT_ARGS: dict[str, Any] = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": dt.timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "on_failure_callback": notify_failure,
}


def run_period(context: Mapping[str, Any]) -> Period:
    """The month a run reports: the ``period`` param, else the month holding the
    ``snapshot_date`` param, else the month before the run's logical date (a run on
    5 April reports March); never "now", so a backfill reproduces the original run."""
    from workforce.periods import Period, period_for_run

    params = context.get("params") or {}
    if params.get("period"):
        return Period.parse(params["period"])
    if params.get("snapshot_date"):
        return Period.containing(dt.date.fromisoformat(params["snapshot_date"]))
    return period_for_run(context["logical_date"].date())


def warehouse_url() -> str | None:
    """The SQLAlchemy URL of the ``workforce_warehouse`` connection, or None without one."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        connection = Connection.get(WAREHOUSE_CONN_ID)
    except AirflowNotFoundException:
        return None
    return sqlalchemy_url(connection)


def sqlalchemy_url(connection: Any) -> str:
    """An Airflow connection as a SQLAlchemy URL, built from its fields.

    Not ``connection.get_uri()``: Airflow renames ``postgresql`` to ``postgres`` (which
    SQLAlchemy refuses) and quotes the slashes of a SQLite path (``sqlite:///%2Fvar...``).
    The database is the connection's schema; its extras become URL query parameters."""
    from sqlalchemy.engine import URL

    driver = connection.conn_type or ""
    if driver == "postgres":  # what Airflow makes of postgresql://
        driver = "postgresql+psycopg"  # the driver the lock installs (psycopg 3)
    return URL.create(
        driver,
        username=connection.login or None,
        password=connection.password or None,
        host=connection.host or None,
        port=connection.port or None,
        database=connection.schema or None,
        query={key: str(value) for key, value in connection.extra_dejson.items()},
    ).render_as_string(hide_password=False)


def warehouse_engine() -> Engine:
    """The warehouse engine: the Airflow connection when there is one, else
    WORKFORCE_WAREHOUSE_URL (or the SQLite default) as ``make_engine`` reads it.

    Checked first to be at this code's schema revision: a task on an out-of-date warehouse
    fails at once, without retries, saying to run ``workforce db upgrade`` (an empty one is
    created by the migrations)."""
    from workforce.errors import WarehouseOutOfDate
    from workforce.warehouse import make_engine, require_current

    engine = make_engine(warehouse_url())
    try:
        require_current(engine)
    except WarehouseOutOfDate as exc:
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException(str(exc)) from None
    return engine
