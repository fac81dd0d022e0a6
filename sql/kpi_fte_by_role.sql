-- FTE in post at each month's end (started by then, not left by then) by month and role, for
-- an authority's financial year to date (:year_start to :last): what market supplements are
-- paid on. Dates are compared by their month, as text on both databases.
SELECT period, role, SUM(fte) AS fte
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :year_start AND :last
  AND SUBSTR(CAST(service_start_date AS TEXT), 1, 7) <= period
  AND (leave_date IS NULL OR SUBSTR(CAST(leave_date AS TEXT), 1, 7) > period)
GROUP BY period, role
ORDER BY period
