-- Validation warnings of an authority's months :first to :last (the reports' data-quality
-- notes and validation summary).
SELECT f.period, f.file_name, f.row_number, f.column_name, f.severity, f.message
FROM validation_finding AS f
WHERE f.authority_code = :authority_code AND f.period BETWEEN :first AND :last
ORDER BY f.period, f.file_name, f.row_number, f.column_name, f.message
