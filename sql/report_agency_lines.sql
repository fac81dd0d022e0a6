-- A month's qualified agency timesheet lines (the agency workers of the KPIs), for the
-- monitoring-visit pack's long placements and caseloads.
SELECT a.worker_ref, a.supplier, a.team_code, a.role, a.post_id, a.week_ending,
       a.placement_start_date
FROM agency_spend AS a
WHERE a.authority_code = :authority_code AND a.period = :period AND a.qualified_sw
ORDER BY a.week_ending, a.line_id
