-- Retention payments made (status due) in the census year, per worker, from the schedule
-- stored with the September results.
SELECT worker_ref, SUM(amount_pence) AS amount_pence
FROM retention_payment
WHERE authority_code = :authority_code AND period = :period AND status = 'due'
  AND due_period BETWEEN :first AND :last
GROUP BY worker_ref
ORDER BY worker_ref
