-- Open cases by worker at the end of an authority's month (:last; :first is the same month),
-- in the extract's row order (not the pseudonyms': see kpi_hr_staff.sql).
SELECT worker_ref, worker_type, open_cases
FROM caseloads
WHERE authority_code = :authority_code AND period = :last
ORDER BY source_row
