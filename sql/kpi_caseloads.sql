-- Open cases by worker at the end of an authority's month (:last; :first is the same month).
SELECT worker_ref, worker_type, open_cases
FROM caseloads
WHERE authority_code = :authority_code AND period = :last
