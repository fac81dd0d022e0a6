-- Agency spend of an authority's months from :first to :last, summed by week ending (which
-- weeks count for a month is decided with the lines, in the KPI code), in month order.
SELECT period, week_ending, SUM(line_cost_pence) AS line_cost_pence
FROM agency_spend
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
GROUP BY period, week_ending
ORDER BY period
