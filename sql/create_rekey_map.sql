-- Old pseudonym → new, for one key rotation's transaction (dropped at its end).
CREATE TEMPORARY TABLE rekey_map (old_ref TEXT PRIMARY KEY, new_ref TEXT NOT NULL)
