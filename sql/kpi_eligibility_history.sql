-- HR rows before :first (the start of the rolling window, whose rows are read already):
-- who became eligible for the retention payment, and when, since the scheme can be older
-- than the window.
SELECT period, worker_ref, role, service_start_date, leave_date, retention_option
FROM hr_staff
WHERE authority_code = :authority_code AND period < :first
