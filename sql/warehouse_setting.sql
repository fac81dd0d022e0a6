-- One setting of the warehouse itself (e.g. development), if set.
SELECT value FROM warehouse_setting WHERE name = :name
