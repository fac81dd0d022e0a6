-- HR rows of an authority's months from :first to :last (the rolling window, the month a
-- year before for stability, and the financial year to date).
SELECT h.period, h.load_id, h.worker_ref, h.post_id, h.team_code, h.role, h.fte,
       h.qualified_sw, h.case_holding, h.service_start_date, h.leave_date,
       h.sickness_days, h.retention_option
FROM hr_staff AS h
WHERE h.authority_code = :authority_code AND h.period BETWEEN :first AND :last
