-- An authority's imported census returns for some years: the files annual figures came from.
SELECT r.year, r.file_name, r.sha256, r.workers, r.loaded_at, r.code_version
FROM census_return AS r
WHERE r.authority_code = :authority_code AND r.year IN :years
ORDER BY r.year DESC
