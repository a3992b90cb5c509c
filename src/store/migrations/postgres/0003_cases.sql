-- PostgreSQL's part of 0003 (after ../0003_cases.sql): the patient access log
-- (NEN 7513) and the contact history are append-only, as the audit log
-- (audit_append_only() of 0001 names the table in its message only as
-- "audit", so these get their own function).

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% records are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER patient_access_no_update BEFORE UPDATE ON patient_access
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER patient_access_no_delete BEFORE DELETE ON patient_access
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER patient_access_no_truncate BEFORE TRUNCATE ON patient_access
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();

CREATE TRIGGER contacts_no_update BEFORE UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER contacts_no_delete BEFORE DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER contacts_no_truncate BEFORE TRUNCATE ON contacts
  FOR EACH STATEMENT EXECUTE FUNCTION append_only();
