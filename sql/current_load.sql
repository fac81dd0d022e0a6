-- The load that currently holds an authority's month, if any.
SELECT load_id, loaded_at, code_version
FROM load_batch
WHERE authority_code = :authority_code AND period = :period;
