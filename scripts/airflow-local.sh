#!/usr/bin/env bash
# The whole Airflow on this machine, to use the DAGs by hand: `airflow standalone` runs the
# API server (with the UI), scheduler, DAG processor and triggerer, with the LocalExecutor
# and the SQLite metadata database in var/airflow/ (migrated first). Ctrl-C stops them all.
#
#   scripts/airflow-local.sh          # or: make airflow
#   AIRFLOW_PORT=8081 scripts/airflow-local.sh
#
# Log in as "admin" with the password printed below (kept in
# var/airflow/simple_auth_manager_passwords.json.generated).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/airflow-env.sh

port="${AIRFLOW_PORT:-8080}"
# This machine only.
export AIRFLOW__API__HOST=127.0.0.1
export AIRFLOW__API__PORT="$port"
export AIRFLOW__API__BASE_URL="http://127.0.0.1:$port"
# A task's successor starts on the scheduler's next loop, which sleeps this long when idle
# (default 1 s): a month's run is seven tasks one after another.
export AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME="${AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME:-0.2}"
mkdir -p "$AIRFLOW_HOME"

passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
if [ -f "$passwords" ]; then
    password="$(python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' \
        "$passwords")"
    echo "Airflow UI: http://127.0.0.1:$port  (user: admin, password: $password)"
else
    echo "Airflow UI: http://127.0.0.1:$port  (user: admin; the password is printed below)"
fi
echo "Unpause workforce_monthly in the UI (or: source scripts/airflow-env.sh;" \
     "airflow dags unpause workforce_monthly) for its monthly schedule."
exec airflow standalone
