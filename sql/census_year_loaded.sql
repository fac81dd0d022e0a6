-- Whether an authority's census year is already imported.
SELECT load_id FROM census_return WHERE authority_code = :authority_code AND year = :year
