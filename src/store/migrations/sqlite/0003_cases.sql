-- SQLite's part of 0003 (after ../0003_cases.sql): the patient access log
-- (NEN 7513) and the contact history are append-only, as the audit log.

CREATE TRIGGER patient_access_no_update BEFORE UPDATE ON patient_access
BEGIN
  SELECT RAISE(ABORT, 'patient access records are append-only');
END;
CREATE TRIGGER patient_access_no_delete BEFORE DELETE ON patient_access
BEGIN
  SELECT RAISE(ABORT, 'patient access records are append-only');
END;

CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
BEGIN
  SELECT RAISE(ABORT, 'contacts are append-only');
END;
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
BEGIN
  SELECT RAISE(ABORT, 'contacts are append-only');
END;
