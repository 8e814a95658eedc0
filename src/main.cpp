#include "util/log.h"

int main() { return 0; }
