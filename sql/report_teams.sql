-- Team names and service areas as the month's establishment gives them.
SELECT DISTINCT e.team_code, e.team_name, e.service_area
FROM establishment AS e
WHERE e.authority_code = :authority_code AND e.period = :period
ORDER BY e.service_area, e.team_name, e.team_code
