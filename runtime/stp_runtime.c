/* stp_runtime.c - the whole runtime as one translation unit.
 *
 * Generated code does, in this order:
 *	#define STP_RUNTIME_USER	(or STP_RUNTIME_KERNEL)
 *	#define STP_RUNTIME_MAIN	(user: main() from user/main.c)
 *	#define MAXSTRINGLEN 1024	(any tunable, optional)
 *	#include "stp_runtime.c"	(with -I runtime)
 * and then defines stp_probes, stp_nprobes, stp_globals_init,
 * stp_globals_free and stp_locals_size.  Tests and benchmarks leave out
 * STP_RUNTIME_MAIN and drive the session themselves. */
#include "stp_runtime.h"
#include "stp_internal.h"

#include "string.c"
#include "error.c"
#include "format.c"
#include "print.c"
#include "stat.c"
#include "map.c"
#include "regex.c"
#include "probe.c"
#include "arith.h"

#if defined(STP_RUNTIME_USER)
#include "user/context.h"
#else
#include "linux/context.h"
#include "linux/module.c"
#endif

#if defined(STP_RUNTIME_USER) && defined(STP_RUNTIME_MAIN)
#include "user/main.c"
#endif
