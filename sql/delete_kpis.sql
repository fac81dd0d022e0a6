-- Remove one authority's KPI results for a month, so a recomputation replaces that month only.
DELETE FROM kpi_value WHERE authority_code = :authority_code AND period = :period;
DELETE FROM retention_payment WHERE authority_code = :authority_code AND period = :period;
DELETE FROM retention_curve WHERE authority_code = :authority_code AND period = :period
