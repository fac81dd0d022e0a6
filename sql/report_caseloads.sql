-- A month's caseloads by pseudonymous worker reference.
SELECT c.worker_ref, c.worker_type, c.open_cases, c.cp_cases, c.cla_cases, c.cin_cases
FROM caseloads AS c
WHERE c.authority_code = :authority_code AND c.period = :period
ORDER BY c.worker_type, c.worker_ref
