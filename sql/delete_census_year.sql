-- Remove one authority's census year, so a re-import replaces that year and nothing else:
-- its return, workers, LA-level counts, notes and the KPI values computed from it.
DELETE FROM kpi_value
WHERE authority_code = :authority_code AND period = :period AND source = 'census';
DELETE FROM census_finding WHERE authority_code = :authority_code AND year = :year;
DELETE FROM census_la_level WHERE authority_code = :authority_code AND year = :year;
DELETE FROM census_worker WHERE authority_code = :authority_code AND year = :year;
DELETE FROM census_return WHERE authority_code = :authority_code AND year = :year
