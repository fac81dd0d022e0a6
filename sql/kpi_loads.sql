-- The loads holding an authority's months from :first to :last.
SELECT period, load_id
FROM load_batch
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
ORDER BY period
