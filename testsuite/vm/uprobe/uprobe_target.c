/* uprobe_target.c - what the uprobe tests probe (testsuite/run, kernel):
 * functions whose arguments and return values the tests know.  Built
 * with -O0 so that every call is a real call; -static so that it runs in
 * the busybox VM, or dynamically to probe a shared library (puts). */
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

/* add(i, 100) for i = 0..ADD_CALLS-1: returns 100 + i */
#define ADD_CALLS 7

NOINLINE int add(int a, int b)
{
	return a + b;
}

NOINLINE int sub(int a, int b)
{
	return a - b;
}

/* Returns "hello, NAME", in a static buffer. */
NOINLINE const char *greet(const char *name)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "hello, %s", name);
	return buf;
}

int main(void)
{
	/* on the stack, so that its page is present when greet() is probed
	 * (the probe reads user memory without faulting pages in) */
	char name[] = "world";
	long sum = 0;

	for (int i = 0; i < ADD_CALLS; i++)
		sum += add(i, 100);
	sum = sub(sum, 21);
	puts(greet(name));
	printf("sum %ld\n", sum);
	return 0;
}
