-- Every pseudonymous worker reference stored for one authority (key rotation re-keys these).
SELECT worker_ref FROM hr_staff WHERE authority_code = :authority_code
UNION SELECT worker_ref FROM agency_spend WHERE authority_code = :authority_code
UNION SELECT worker_ref FROM caseloads WHERE authority_code = :authority_code
UNION SELECT worker_ref FROM retention_payment WHERE authority_code = :authority_code
