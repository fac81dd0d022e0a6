# Production image: the official Airflow image of the pinned version, plus WeasyPrint's
# system libraries and exactly the Python packages locked in uv.lock.
FROM apache/airflow:3.3.2-python3.11

USER root
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

USER airflow
COPY --chown=airflow:root pyproject.toml uv.lock README.md /opt/workforce/
COPY --chown=airflow:root plugins /opt/workforce/plugins
COPY --chown=airflow:root sql /opt/workforce/sql
COPY --chown=airflow:root config /opt/workforce/config
RUN pip install --no-cache-dir uv==0.13.8 \
    && cd /opt/workforce \
    && uv export --frozen --no-dev --no-emit-project --no-hashes -o /tmp/requirements.txt \
    && uv pip install --python "$(command -v python)" --no-cache -r /tmp/requirements.txt \
    && uv pip install --python "$(command -v python)" --no-cache --no-deps /opt/workforce \
    && rm /tmp/requirements.txt
