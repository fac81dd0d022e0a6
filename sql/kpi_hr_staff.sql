-- HR rows of an authority's reporting month (:last) and of the month a year before it
-- (:year_ago, for the stability index), in month order.
SELECT period, worker_ref, post_id, team_code, role, fte, qualified_sw, case_holding,
       service_start_date, leave_date, sickness_days, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period IN (:year_ago, :last)
ORDER BY period
