# Production image: the official Airflow image of the version pyproject.toml pins, plus
# WeasyPrint's system libraries and exactly the Python packages locked in uv.lock.
#
#   WORKFORCE_COMMIT=$(git rev-parse --short=12 HEAD) docker compose build
FROM apache/airflow:3.3.2-python3.11

USER root
# WeasyPrint renders PDFs with Pango (HarfBuzz, with its subsetter, for fonts; fontconfig to
# find them); the reports use the DejaVu fonts. Then the project folder, and the landing and
# report-archive folders the compose volumes mount, owned by the airflow user (a fresh named
# volume takes the ownership of the folder it is mounted on).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
        fonts-dejavu-core \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /opt/workforce /data/landing /data/output \
    && chown -R airflow:0 /opt/workforce /data \
    && chmod -R g+rwX /opt/workforce /data

# uv, the version the Makefile uses, as a static binary outside the Python environment (the
# sync below leaves in that environment only what the lock lists).
COPY --from=ghcr.io/astral-sh/uv:0.13.8 /uv /usr/local/bin/uv

USER airflow
WORKDIR /opt/workforce

# Python packages first (a layer that changes only with the lock). `uv pip sync` makes the
# image's environment (the official image's virtualenv, $VIRTUAL_ENV) exactly the lock: it
# installs the locked versions and removes whatever else the base image had, so the
# containers run what the tests ran. --locked refuses a lock out of date with pyproject.toml.
COPY --chown=airflow:0 pyproject.toml uv.lock README.md /opt/workforce/
RUN uv export --locked --no-dev --no-emit-project --no-hashes -o requirements.txt \
    && uv pip sync --python "$(command -v python)" --no-cache requirements.txt

# The project, laid out as in the repository: the package finds sql/, templates/, data/ (and
# the default config/) in /opt/workforce, two levels above plugins/workforce/config.py, so it
# is installed editable (a .pth file naming /opt/workforce/plugins) and without dependencies.
COPY --chown=airflow:0 plugins /opt/workforce/plugins
COPY --chown=airflow:0 sql /opt/workforce/sql
COPY --chown=airflow:0 templates /opt/workforce/templates
COPY --chown=airflow:0 data /opt/workforce/data
COPY --chown=airflow:0 config /opt/workforce/config
COPY --chown=airflow:0 dags /opt/workforce/dags
RUN uv pip install --python "$(command -v python)" --no-cache --no-deps -e /opt/workforce \
    && python -c "from workforce.config import PROJECT_ROOT as p; assert (p / 'sql').is_dir(), p" \
    && python -c "import weasyprint; weasyprint.HTML(string='<p>ok</p>').write_pdf()"

# The commit the image was built from (docker compose passes WORKFORCE_COMMIT), for lineage.
ARG WORKFORCE_COMMIT=unknown
LABEL org.opencontainers.image.revision=$WORKFORCE_COMMIT
ENV WORKFORCE_COMMIT=$WORKFORCE_COMMIT \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/workforce/dags \
    WORKFORCE_LANDING_ROOT=/data/landing \
    WORKFORCE_OUTPUT_ROOT=/data/output
WORKDIR /opt/airflow
