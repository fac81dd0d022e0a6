"""Airflow's local settings for this project's own Airflow (``make airflow``, the backfill
test and benchmark): Airflow imports a module of this name, when it is on the Python path,
at the start of every Airflow process. ``scripts/airflow-env.sh`` and
``scripts/airflow_services.py`` put this folder on ``PYTHONPATH``.

It does one thing. The process that starts tasks (the scheduler, whose LocalExecutor
workers fork a process for every task; a Celery worker likewise) imports the ``workforce``
modules the tasks use before it forks, so every task process starts with pandas, SQLAlchemy
and the package already in memory. Without it each task imports them again: 1 to 1.5 s of a
task whose work takes a tenth of a second, seven tasks a month. Reports (WeasyPrint,
matplotlib) are not preloaded: they are rendered once a month, not in every task, and
would add ~100 MiB to the scheduler. ``WORKFORCE_PRELOAD=0`` turns it off.

No other process is affected (the API server, DAG processor and ``airflow`` commands
import nothing more), and nothing is connected or read at import: only modules.
"""

from __future__ import annotations

import importlib
import os
import sys

PRELOADED = ("workforce.config", "workforce.pipeline", "workforce.kpis", "workforce.publish")


def starts_tasks(argv: list[str]) -> bool:
    """Whether this Airflow process forks task processes (``airflow scheduler``,
    ``airflow celery worker``)."""
    words = [word for word in argv[1:3] if not word.startswith("-")]
    return words[:1] == ["scheduler"] or words == ["celery", "worker"]


def preload(argv: list[str] = sys.argv) -> list[str]:
    if os.environ.get("WORKFORCE_PRELOAD", "1") == "0" or not starts_tasks(argv):
        return []
    for name in PRELOADED:
        importlib.import_module(name)
    return list(PRELOADED)


preload()
