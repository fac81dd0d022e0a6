-- The pseudonym key fingerprint an authority's stored pseudonyms were made with (none yet:
-- no row, or a row from before fingerprints were recorded).
SELECT key_fingerprint, key_recorded_at
FROM authority
WHERE authority_code = :authority_code
