-- The retention scheme's payment schedule as stored with a month's results.
SELECT p.worker_ref, p.instalment, p.due_period, p.amount_pence, p.status
FROM retention_payment AS p
WHERE p.authority_code = :authority_code AND p.period = :period
ORDER BY p.due_period, p.worker_ref, p.instalment
