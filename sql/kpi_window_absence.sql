-- Sickness days recorded on social worker rows in the rolling window (:window_first to
-- :last), by the row's team.
SELECT team_code, SUM(COALESCE(sickness_days, 0)) AS sickness_days
FROM hr_staff
WHERE authority_code = :authority_code AND period BETWEEN :window_first AND :last
  AND qualified_sw
GROUP BY team_code
ORDER BY team_code
