-- HR rows of an authority's months from :first to :last (the rolling window, the month a
-- year before for stability, and the financial year to date), in month order and each month
-- in the extract's row order: never the pseudonyms' order, so a sum or a tie comes out the
-- same under another key (rotate-key) and on either backend.
SELECT period, worker_ref, post_id, team_code, role, fte, qualified_sw, case_holding,
       service_start_date, leave_date, sickness_days, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
ORDER BY period, source_row
