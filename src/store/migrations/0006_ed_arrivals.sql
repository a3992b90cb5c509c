-- ED arrivals: patients who arrived in the hour before as_of, reported with
-- the ED state (NULL when not reported); the ED arrivals forecast reads them.
ALTER TABLE capacity_reports ADD COLUMN ed_arrivals BIGINT;
