#include "viz/gdb.h"
int gdb_serve(struct dbg *d, int port) { (void)d; (void)port; return 1; }
