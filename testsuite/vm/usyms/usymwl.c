/* usymwl.c - the workload of testsuite/vm/usyms/run-tests: a dynamically
 * linked PIE built with frame pointers, so the user back trace at its
 * getppid() system call is libc's getppid, then middle (leaf keeps no
 * frame of its own the rbp chain can see: getppid is called from it,
 * and the walk starts at leaf's saved frame), then main. */
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) int leaf(int x)
{
	return (int)getppid() + x;
}

__attribute__((noinline)) int middle(int x)
{
	return leaf(x + 1) * 2;
}

int main(void)
{
	printf("usymwl %d\n", middle(1) > 0);
	return 0;
}
