#include "unit.h"
#include "module.h"
TEST(decode_placeholder) { CHECK(1); }
