-- The loads holding an authority's months from :since to :last.
SELECT period, load_id
FROM load_batch
WHERE authority_code = :authority_code AND period BETWEEN :since AND :last
ORDER BY period
