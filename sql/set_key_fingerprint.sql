-- Record the fingerprint of the key an authority's pseudonyms are made with (first load,
-- upgrade with a key set, or a deliberate rotation).
UPDATE authority
SET key_fingerprint = :key_fingerprint, key_recorded_at = :recorded_at,
    key_code_version = :code_version
WHERE authority_code = :authority_code
