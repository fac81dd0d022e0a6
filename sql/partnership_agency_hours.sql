-- A month's agency hours by role, supplier, worker and hourly charge rate: the partnership
-- report's charge rates against its rate caps (workers are counted, never named).
SELECT a.role, a.supplier, a.worker_ref, a.charge_rate_pence, SUM(a.hours) AS hours
FROM agency_spend AS a
WHERE a.authority_code = :authority_code AND a.period = :period
GROUP BY a.role, a.supplier, a.worker_ref, a.charge_rate_pence
ORDER BY a.role, a.supplier, a.worker_ref, a.charge_rate_pence
