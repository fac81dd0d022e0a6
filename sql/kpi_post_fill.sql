-- Social worker assignments in post at the end of each month of the financial year to date
-- (:year_start to :last): started by then and not left by then. Dates are compared by
-- their month ('YYYY-MM'), as text on both databases (PostgreSQL's date-to-text cast is
-- ISO). What each post's filled FTE is summed from (sql/kpi_year_posts.sql has the posts).
SELECT period, post_id, fte
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :year_start AND :last
  AND qualified_sw
  AND SUBSTR(CAST(service_start_date AS TEXT), 1, 7) <= period
  AND (leave_date IS NULL OR SUBSTR(CAST(leave_date AS TEXT), 1, 7) > period)
ORDER BY period
