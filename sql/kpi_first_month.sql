-- The first month with HR rows for an authority: an anniversary before it cannot be checked
-- against that month's rows, so any later row confirms it.
SELECT MIN(period) AS period
FROM hr_staff
WHERE authority_code = :authority_code
