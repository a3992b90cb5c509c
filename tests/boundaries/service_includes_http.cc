// Must not compile: use cases see no HTTP.
#include "http/message.h"
