-- Care pathways (store/pathway_store.h): every version of every pathway is
-- kept; the current one is the highest version of an id. `document` is the
-- pathway as the JSON the API and data/pathways/*.json use
-- (api/json/pathway_json.h), opaque to the store. created_by is "shipped"
-- for the versions seeded from data/pathways at start. Times as in
-- 0001_init.sql.
CREATE TABLE pathways (
  id          TEXT NOT NULL,
  version     BIGINT NOT NULL,
  document    TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (id, version)
);
