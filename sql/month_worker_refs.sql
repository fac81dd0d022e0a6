-- Every pseudonymous worker reference stored for one authority's month.
SELECT worker_ref FROM hr_staff WHERE authority_code = :authority_code AND period = :period
UNION SELECT worker_ref FROM agency_spend
      WHERE authority_code = :authority_code AND period = :period
UNION SELECT worker_ref FROM caseloads
      WHERE authority_code = :authority_code AND period = :period
