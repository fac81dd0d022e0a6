-- HR rows from the retention scheme's start month to the reporting month (:last): who became
-- eligible for the retention payment, when, and whether they were in post when each payment
-- fell due. Rows before the scheme started cannot make anyone eligible, so they are not read.
SELECT period, worker_ref, role, service_start_date, leave_date, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :scheme_start AND :last
ORDER BY period
