-- Warehouse schema: the same statements run on SQLite and PostgreSQL.
-- Every table carries authority_code so several councils share one warehouse; facts carry
-- the load that wrote them, and the load's extract files carry their SHA-256 (lineage).
-- Money is integer pence; dates are ISO dates.

CREATE TABLE IF NOT EXISTS load_batch (
    load_id        TEXT PRIMARY KEY,
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    loaded_at      TEXT NOT NULL,
    code_version   TEXT NOT NULL,
    UNIQUE (authority_code, period)
);

CREATE TABLE IF NOT EXISTS extract_file (
    load_id        TEXT NOT NULL REFERENCES load_batch (load_id),
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    row_count      INTEGER NOT NULL,
    loaded_at      TEXT NOT NULL,
    code_version   TEXT NOT NULL,
    PRIMARY KEY (authority_code, period, kind)
);

CREATE TABLE IF NOT EXISTS hr_staff (
    authority_code     TEXT NOT NULL,
    period             TEXT NOT NULL,
    load_id            TEXT NOT NULL REFERENCES load_batch (load_id),
    source_row         INTEGER NOT NULL,
    worker_ref         TEXT NOT NULL,
    post_id            TEXT NOT NULL,
    team_code          TEXT NOT NULL,
    role               TEXT NOT NULL,
    grade              TEXT,
    fte                DOUBLE PRECISION NOT NULL,
    contract_type      TEXT NOT NULL,
    qualified_sw       BOOLEAN NOT NULL,
    case_holding       BOOLEAN NOT NULL,
    service_start_date DATE NOT NULL,
    role_start_date    DATE,
    leave_date         DATE,
    leaving_reason     TEXT,
    sickness_days      DOUBLE PRECISION,
    age_band           TEXT,
    gender             TEXT,
    ethnicity          TEXT,
    retention_option   TEXT,
    PRIMARY KEY (authority_code, period, worker_ref, post_id)
);

CREATE TABLE IF NOT EXISTS establishment (
    authority_code    TEXT NOT NULL,
    period            TEXT NOT NULL,
    load_id           TEXT NOT NULL REFERENCES load_batch (load_id),
    source_row        INTEGER NOT NULL,
    post_id           TEXT NOT NULL,
    team_code         TEXT NOT NULL,
    team_name         TEXT NOT NULL,
    service_area      TEXT NOT NULL,
    role              TEXT NOT NULL,
    grade             TEXT,
    budgeted_fte      DOUBLE PRECISION NOT NULL,
    annual_cost_pence BIGINT NOT NULL,
    funded            BOOLEAN NOT NULL,
    status            TEXT NOT NULL,
    PRIMARY KEY (authority_code, period, post_id)
);

CREATE TABLE IF NOT EXISTS agency_spend (
    authority_code       TEXT NOT NULL,
    period               TEXT NOT NULL,
    load_id              TEXT NOT NULL REFERENCES load_batch (load_id),
    source_row           INTEGER NOT NULL,
    line_id              TEXT NOT NULL,
    worker_ref           TEXT NOT NULL,
    supplier             TEXT NOT NULL,
    team_code            TEXT NOT NULL,
    role                 TEXT NOT NULL,
    post_id              TEXT,
    week_ending          DATE NOT NULL,
    hours                DOUBLE PRECISION NOT NULL,
    charge_rate_pence    BIGINT NOT NULL,
    line_cost_pence      BIGINT NOT NULL,
    placement_start_date DATE NOT NULL,
    qualified_sw         BOOLEAN NOT NULL,
    PRIMARY KEY (authority_code, period, line_id)
);

CREATE TABLE IF NOT EXISTS caseloads (
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    load_id        TEXT NOT NULL REFERENCES load_batch (load_id),
    source_row     INTEGER NOT NULL,
    worker_ref     TEXT NOT NULL,
    worker_type    TEXT NOT NULL,
    open_cases     INTEGER NOT NULL,
    cp_cases       INTEGER,
    cla_cases      INTEGER,
    cin_cases      INTEGER,
    PRIMARY KEY (authority_code, period, worker_type, worker_ref)
);

-- Each loaded month's rows of each of the KPIs' reads (kind: sql/kpi_hr_staff.sql and the
-- others named in plugins/workforce/warehouse/frames.py) as one Arrow stream: written in
-- the load's transaction by running that read on the rows just inserted, deleted with the
-- month. A year of them reads in milliseconds where the rows take most of a large
-- council's KPI time.
CREATE TABLE IF NOT EXISTS kpi_month_frame (
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    kind           TEXT NOT NULL,
    load_id        TEXT NOT NULL REFERENCES load_batch (load_id),
    arrow_stream   BYTEA NOT NULL,
    PRIMARY KEY (authority_code, period, kind)
);

-- Warnings found when an accepted month was validated: the data-quality notes of reports.
CREATE TABLE IF NOT EXISTS validation_finding (
    load_id        TEXT NOT NULL REFERENCES load_batch (load_id),
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    row_number     INTEGER,
    column_name    TEXT,
    severity       TEXT NOT NULL,
    message        TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS validation_finding_month
    ON validation_finding (authority_code, period);

-- KPI results: one long table by authority, month, scope and KPI code (docs/kpi-definitions.md).
-- Numerator and denominator sit beside the unrounded value; rates are percentages.
CREATE TABLE IF NOT EXISTS kpi_value (
    authority_code  TEXT NOT NULL,
    period          TEXT NOT NULL,
    scope_type      TEXT NOT NULL,
    scope_code      TEXT NOT NULL,
    kpi             TEXT NOT NULL,
    unit            TEXT NOT NULL,
    numerator       DOUBLE PRECISION,
    denominator     DOUBLE PRECISION,
    value           DOUBLE PRECISION,
    target          DOUBLE PRECISION,
    rag             TEXT,
    window_months   INTEGER,
    history_months  INTEGER,
    load_id         TEXT NOT NULL,
    source_load_ids TEXT NOT NULL,
    computed_at     TEXT NOT NULL,
    code_version    TEXT NOT NULL,
    PRIMARY KEY (authority_code, period, scope_type, scope_code, kpi)
);

CREATE INDEX IF NOT EXISTS kpi_value_kpi ON kpi_value (authority_code, kpi, period);

-- The retention scheme's payments by worker (pseudonymous) and month: made, due, forecast.
CREATE TABLE IF NOT EXISTS retention_payment (
    authority_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    worker_ref     TEXT NOT NULL,
    instalment     INTEGER NOT NULL,
    due_period     TEXT NOT NULL,
    amount_pence   BIGINT NOT NULL,
    status         TEXT NOT NULL,
    PRIMARY KEY (authority_code, period, worker_ref, instalment)
);

-- The retention curve for the impact review: of the workers who became eligible, how many
-- were observed and how many still in post so many months after eligibility.
CREATE TABLE IF NOT EXISTS retention_curve (
    authority_code       TEXT NOT NULL,
    period               TEXT NOT NULL,
    months_since_eligible INTEGER NOT NULL,
    observed             INTEGER NOT NULL,
    in_post              INTEGER NOT NULL,
    PRIMARY KEY (authority_code, period, months_since_eligible)
);
