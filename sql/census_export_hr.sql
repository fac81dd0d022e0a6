-- HR rows of an authority's months from :first to :last in the order of kpi_hr_staff.sql
-- (month, then the extract's row order), with what the census return needs beyond the KPIs:
-- each row's source row (to find it again in the landed file), gender and ethnicity.
SELECT period, source_row, worker_ref, post_id, gender, ethnicity, leaving_reason
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
ORDER BY period, source_row
