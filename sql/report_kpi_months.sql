-- The months with stored KPI results for an authority, with when and by which code they
-- were computed.
SELECT k.period, MAX(k.computed_at) AS computed_at, MAX(k.code_version) AS code_version
FROM kpi_value AS k
WHERE k.authority_code = :authority_code AND k.scope_type = 'council' AND k.source = 'monthly'
GROUP BY k.period
ORDER BY k.period
