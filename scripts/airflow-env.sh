# The project-local Airflow's settings, the same as the Makefile's: source this file and the
# `airflow` and `workforce` commands in your shell act on this project (DAGs from dags/,
# metadata in SQLite under var/airflow/, extracts in landing/, reports in output/).
#
#   source scripts/airflow-env.sh
#   airflow dags list
#
# Existing WORKFORCE_* settings are kept; Airflow's are set to this project's.

_workforce_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="$_workforce_root/var/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$_workforce_root/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$_workforce_root/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
# The scheduler imports the tasks' modules once, before it forks each task's process
# (scripts/airflow_local_settings.py, which Airflow imports from the Python path).
case ":${PYTHONPATH:-}:" in
    *":$_workforce_root/scripts:"*) ;;
    *) export PYTHONPATH="$_workforce_root/scripts${PYTHONPATH:+:$PYTHONPATH}" ;;
esac
export WORKFORCE_LANDING_ROOT="${WORKFORCE_LANDING_ROOT:-$_workforce_root/landing}"
export WORKFORCE_OUTPUT_ROOT="${WORKFORCE_OUTPUT_ROOT:-$_workforce_root/output}"
case ":$PATH:" in
    *":$_workforce_root/.venv/bin:"*) ;;
    *) export PATH="$_workforce_root/.venv/bin:$PATH" ;;
esac
unset _workforce_root
