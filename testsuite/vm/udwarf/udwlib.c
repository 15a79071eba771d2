/* udwlib.c - a shared library with debuginfo for testsuite/vm/udwarf:
 * built as libudw.so (-g -O0 -fPIC -shared), and with -DUDW_MAIN as the
 * program that calls it.  lib_add's static local moves with the load
 * address of the library (DW_OP_addr plus the load bias). */
#include <stdio.h>

struct acc {
	long total;
	int n;
};

int lib_add(struct acc *a, int v);

#ifdef UDW_MAIN
int main(void)
{
	struct acc a = { 0, 0 };

	for (int i = 1; i <= 3; i++)
		printf("lib_add %d -> %d\n", 7 * i, lib_add(&a, 7 * i));
	printf("total %ld n %d\n", a.total, a.n);
	return 0;
}
#else
int lib_add(struct acc *a, int v)
{
	static int calls;

	calls++;
	a->total += v;
	a->n++;
	return calls * 100 + a->n;
}
#endif
