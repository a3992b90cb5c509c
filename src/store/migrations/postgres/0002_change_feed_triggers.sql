-- The change feed of several instances on one database (PostgresStore::
-- WatchChanges), sent by the schema itself: every committed change that other
-- instances cache is announced with NOTIFY on channel openzcc_changes, in the
-- writing transaction, so it is delivered at COMMIT and dropped on rollback.
-- The store's SQL is shared with SQLite and never calls pg_notify itself.
-- Payloads (tab-separated):
--   capacity <new data version> <region id>   a capacity write took versions
--   region <region id>                        the region tree was imported
--   session <token hash>                      a session ended or a feed token was revoked

CREATE FUNCTION openzcc_notify_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.data_version <> OLD.data_version THEN
    PERFORM pg_notify('openzcc_changes', 'capacity' || chr(9) || NEW.data_version || chr(9) || NEW.id);
  ELSE
    PERFORM pg_notify('openzcc_changes', 'region' || chr(9) || NEW.id);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER regions_notify AFTER INSERT OR UPDATE ON regions
  FOR EACH ROW EXECUTE FUNCTION openzcc_notify_region();

CREATE FUNCTION openzcc_notify_session_ended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('openzcc_changes', 'session' || chr(9) || OLD.token_hash);
  RETURN NULL;
END;
$$;
CREATE TRIGGER sessions_notify AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION openzcc_notify_session_ended();

CREATE FUNCTION openzcc_notify_token_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('openzcc_changes', 'session' || chr(9) || NEW.token_hash);
  RETURN NULL;
END;
$$;
CREATE TRIGGER feed_tokens_notify AFTER UPDATE OF revoked ON feed_tokens
  FOR EACH ROW WHEN (NEW.revoked AND NOT OLD.revoked) EXECUTE FUNCTION openzcc_notify_token_revoked();
