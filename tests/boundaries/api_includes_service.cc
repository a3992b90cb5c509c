// Must compile: the control case (the API adapts the services).
#include "http/message.h"
#include "service/capacity_service.h"
