-- The employees' pseudonyms stored for one authority (to check a key against, where no
-- fingerprint was recorded for it yet).
SELECT DISTINCT worker_ref FROM hr_staff WHERE authority_code = :authority_code
