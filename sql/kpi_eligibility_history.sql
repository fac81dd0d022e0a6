-- HR rows from the retention scheme's start month to before :first (the rolling window,
-- whose rows are read already): who became eligible for the retention payment, when, and
-- whether they were in post when each payment fell due. Rows before the scheme started
-- cannot make anyone eligible, so the read does not grow with the years loaded before it.
SELECT period, worker_ref, role, service_start_date, leave_date, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period >= :scheme_start AND period < :first
ORDER BY period
