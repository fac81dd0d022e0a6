-- An authority's loaded months from :first to :last, in month order, each with its stored
-- copy of the :kind read (none for a month loaded before copies were stored).
SELECT b.period, f.arrow_stream
FROM load_batch b
LEFT JOIN kpi_month_frame f
       ON f.authority_code = b.authority_code AND f.period = b.period AND f.kind = :kind
      AND f.load_id = b.load_id
WHERE b.authority_code = :authority_code AND b.period BETWEEN :first AND :last
ORDER BY b.period
