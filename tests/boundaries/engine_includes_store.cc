// Must not compile: the engine is pure computation, it reaches no store.
#include "store/store.h"
