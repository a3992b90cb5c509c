// Must not compile: http/ knows nothing of the domain.
#include "core/types.h"
