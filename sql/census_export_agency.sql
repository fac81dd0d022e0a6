-- Agency timesheet lines' source rows and worker pseudonyms of an authority's month, to find
-- each worker's lines again in the landed file.
SELECT source_row, worker_ref, role
FROM agency_spend
WHERE authority_code = :authority_code AND period = :period
ORDER BY source_row
