-- Remove one authority's month, children before the load they reference, so a reload
-- replaces that month and nothing else. The month's KPI results came from the replaced
-- load, so they go too until the month is computed again.
DELETE FROM kpi_value
WHERE authority_code = :authority_code AND period = :period AND source = 'monthly';
DELETE FROM retention_payment WHERE authority_code = :authority_code AND period = :period;
DELETE FROM retention_curve WHERE authority_code = :authority_code AND period = :period;
DELETE FROM validation_finding WHERE authority_code = :authority_code AND period = :period;
DELETE FROM caseloads WHERE authority_code = :authority_code AND period = :period;
DELETE FROM agency_spend WHERE authority_code = :authority_code AND period = :period;
DELETE FROM hr_staff WHERE authority_code = :authority_code AND period = :period;
DELETE FROM establishment WHERE authority_code = :authority_code AND period = :period;
DELETE FROM kpi_month_frame WHERE authority_code = :authority_code AND period = :period;
DELETE FROM extract_file WHERE authority_code = :authority_code AND period = :period;
DELETE FROM load_batch WHERE authority_code = :authority_code AND period = :period;
