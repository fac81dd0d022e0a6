-- Every loaded HR row up to :last: who has become eligible for the
-- retention payment, and when (the scheme can be older than the rolling window).
SELECT period, worker_ref, role, fte, service_start_date, leave_date, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period <= :last
