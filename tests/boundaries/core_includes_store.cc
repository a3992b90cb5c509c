// Must not compile: the domain is pure.
#include "store/store.h"
