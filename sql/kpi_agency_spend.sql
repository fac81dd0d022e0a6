-- Agency timesheet lines of an authority's month (:last; :first is the same month), in the
-- extract's row order (not the pseudonyms': see kpi_hr_staff.sql).
SELECT period, worker_ref, supplier, team_code, post_id, week_ending, hours,
       line_cost_pence, placement_start_date, qualified_sw
FROM agency_spend
WHERE authority_code = :authority_code AND period = :last
ORDER BY source_row
