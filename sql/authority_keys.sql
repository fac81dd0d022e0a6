-- Every authority the warehouse holds and its recorded key fingerprint, if any.
SELECT authority_code, name, key_fingerprint, key_recorded_at
FROM authority
ORDER BY authority_code
