-- An authority's stored monthly council results for a month (the census return's LA level).
SELECT kpi, value
FROM kpi_value
WHERE authority_code = :authority_code AND period = :period AND source = 'monthly'
  AND scope_type = 'council'
