-- Social work posts (funded, not deleted, role not other: docs/kpi-definitions.md) of an
-- authority's financial year to date (:year_start to :last), in month order.
SELECT period, post_id, team_code, budgeted_fte, annual_cost_pence
FROM establishment
WHERE authority_code = :authority_code AND period BETWEEN :year_start AND :last
  AND funded AND status <> 'deleted' AND role <> 'other'
ORDER BY period
