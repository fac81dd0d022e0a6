-- Every loaded authority-month with its files, for lineage listings.
SELECT b.authority_code, b.period, b.load_id, b.loaded_at, b.code_version,
       f.kind, f.file_name, f.sha256, f.row_count
FROM load_batch AS b
JOIN extract_file AS f ON f.load_id = b.load_id
ORDER BY b.authority_code, b.period, f.kind;
