-- Set one setting of the warehouse itself.
INSERT INTO warehouse_setting (name, value)
VALUES (:name, :value)
ON CONFLICT (name) DO UPDATE SET value = excluded.value
