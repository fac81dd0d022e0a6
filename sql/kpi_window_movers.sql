-- Social worker rows of the rolling window (:window_first to :last) whose service start or
-- leave date falls in the window's months: the candidates for starters and leavers, which
-- the KPI code de-duplicates. Dates are compared by their month ('YYYY-MM'), as text on
-- both databases (PostgreSQL's date-to-text cast is ISO).
SELECT period, worker_ref, post_id, team_code, role, fte, service_start_date, leave_date
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :window_first AND :last
  AND qualified_sw
  AND (SUBSTR(CAST(service_start_date AS TEXT), 1, 7) BETWEEN :window_first AND :last
       OR SUBSTR(CAST(leave_date AS TEXT), 1, 7) BETWEEN :window_first AND :last)
ORDER BY period
