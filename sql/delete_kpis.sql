-- Remove one authority's KPI results for a month, so a recomputation replaces that month only
-- (the monthly ones: a census return's for the same September are kept).
DELETE FROM kpi_value
WHERE authority_code = :authority_code AND period = :period AND source = 'monthly';
DELETE FROM retention_payment WHERE authority_code = :authority_code AND period = :period;
DELETE FROM retention_curve WHERE authority_code = :authority_code AND period = :period
