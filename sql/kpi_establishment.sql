-- Establishment posts of an authority's months from :first to :last, in month order.
SELECT period, post_id, team_code, service_area, role, budgeted_fte, annual_cost_pence,
       funded, status
FROM establishment
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
ORDER BY period
