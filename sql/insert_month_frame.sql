-- A loaded month's copy of one KPI read, written in the load's transaction.
INSERT INTO kpi_month_frame (authority_code, period, kind, load_id, arrow_stream)
VALUES (:authority_code, :period, :kind, :load_id, :arrow_stream)
