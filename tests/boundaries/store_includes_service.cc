// Must not compile: persistence knows no use case.
#include "service/caller.h"
