// The interoperability suite on the PostgreSQL store: a new, empty database on the server that
// OZCC_TEST_PG names (scripts/with-postgres.sh starts one and sets it). Skipped, saying so,
// where OZCC_TEST_PG is not set.
import { storeSuite } from '../support/suite.mjs';

storeSuite('postgres');
