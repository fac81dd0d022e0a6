-- Every stored month frame of one authority (made again after its pseudonyms are re-keyed).
DELETE FROM kpi_month_frame WHERE authority_code = :authority_code
