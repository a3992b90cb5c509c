// The interoperability suite on the SQLite store (a temporary file).
import { storeSuite } from '../support/suite.mjs';

storeSuite('sqlite');
