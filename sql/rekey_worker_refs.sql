-- Re-key one authority's stored pseudonyms through rekey_map (every one is in it), then drop
-- the map.
UPDATE hr_staff SET worker_ref = (
    SELECT m.new_ref FROM rekey_map m WHERE m.old_ref = hr_staff.worker_ref)
WHERE authority_code = :authority_code;
UPDATE agency_spend SET worker_ref = (
    SELECT m.new_ref FROM rekey_map m WHERE m.old_ref = agency_spend.worker_ref)
WHERE authority_code = :authority_code;
UPDATE caseloads SET worker_ref = (
    SELECT m.new_ref FROM rekey_map m WHERE m.old_ref = caseloads.worker_ref)
WHERE authority_code = :authority_code;
UPDATE retention_payment SET worker_ref = (
    SELECT m.new_ref FROM rekey_map m WHERE m.old_ref = retention_payment.worker_ref)
WHERE authority_code = :authority_code;
DROP TABLE rekey_map
