/* usdtwl.c - the workload of testsuite/vm/usdt: <sys/sdt.h> markers with
 * known arguments.  usdtwl N: N times, marks "loop" (i, i * 1000000007,
 * a negative int, a char, a pointer to a string), then once "done"
 * (no arguments), "word" (a short read through memory) and "glob"
 * (counter, 4242, and table[N & 7], 10 + (N & 7)); "gated" has a
 * semaphore, and fires only when a probe on it counted the semaphore up:
 * the program prints "gated N" with the semaphore's value. */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdio.h>
#include <stdlib.h>

static volatile long sink;
/* "glob": operands in memory the compiler names by symbol: a global
 * ("counter(%rip)") and an element at a run-time index ("table(,%rax,4)"
 * in a static program, "(%rdx,%rax,4)" in a PIE) */
long counter = 4242;
int table[8] = { 10, 11, 12, 13, 14, 15, 16, 17 };
/* the semaphores _SDT_HAS_SEMAPHORES gives every mark a note of */
#define SEM(name) __extension__ unsigned short stapc_##name##_semaphore \
	__attribute__((unused)) __attribute__((section(".probes")))
SEM(loop);
SEM(done);
SEM(word);
SEM(gated);
SEM(glob);

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	static const char msg[] = "hello usdt";
	volatile short word = -1234;

	for (int i = 0; i < n; i++) {
		long big = (long)i * 1000000007L;
		int neg = -i - 1;
		unsigned char ch = (unsigned char)(200 + i);

		STAP_PROBE5(stapc, loop, i, big, neg, ch, msg);
		sink += big;
	}
	STAP_PROBE2(stapc, glob, counter, table[n & 7]);
	STAP_PROBE(stapc, done);
	STAP_PROBE1(stapc, word, word);
	printf("gated %u\n", (unsigned)*(volatile unsigned short *)&stapc_gated_semaphore);
	if (*(volatile unsigned short *)&stapc_gated_semaphore)
		STAP_PROBE1(stapc, gated, 77);
	printf("%ld\n", sink);
	return 0;
}
