// Must not compile: a use case does not reach a database engine.
#include "api/api.h"
