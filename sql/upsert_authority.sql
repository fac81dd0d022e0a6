-- An authority the warehouse holds, with its name from the settings (kept when not given).
INSERT INTO authority (authority_code, name)
VALUES (:authority_code, :name)
ON CONFLICT (authority_code) DO UPDATE SET name = COALESCE(excluded.name, authority.name)
