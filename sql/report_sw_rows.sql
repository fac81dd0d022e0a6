-- Qualified social workers' HR rows of an authority's months :first to :last, for the
-- monitoring-visit pack's starters and leavers. Pseudonymous references only: no birth date,
-- age band, gender or ethnicity leaves the warehouse for a report.
SELECT h.period, h.worker_ref, h.post_id, h.team_code, h.role, h.fte, h.contract_type,
       h.service_start_date, h.leave_date, h.leaving_reason
FROM hr_staff AS h
WHERE h.authority_code = :authority_code AND h.period BETWEEN :first AND :last
  AND h.qualified_sw
ORDER BY h.period, h.worker_ref, h.post_id
