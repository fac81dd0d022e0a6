-- The service area of each team in each month of the window (:first to :last), in month
-- order: a team is reported under its latest area.
SELECT DISTINCT period, team_code, service_area
FROM establishment
WHERE authority_code = :authority_code AND period BETWEEN :first AND :last
ORDER BY period
