/* udwarf.c - the user program testsuite/vm/udwarf probes through its
 * DWARF: structs, pointers, arrays, a char* string, an enum, locals, a
 * static function, a recursive function and one called N times with known
 * arguments.  It prints what each function was given, so the test can
 * compare a probe's view with the program's own.  Built with -g -O0 (and
 * -O2 for one case), -static so that it runs in the busybox VM. */
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

enum color { RED, GREEN = 5, BLUE };

struct point {
	int x, y;
};

struct shape {
	const char *name;
	enum color color;
	struct point corner[2];
	struct shape *next;
	long area;
	unsigned char flags[4];
};

long counter = 1000;			/* DW_OP_addr: static data */
static struct shape first = { "first", GREEN, { { 1, 2 }, { 3, 4 } }, NULL,
			      12, { 9, 8, 7, 6 } };

NOINLINE int add(int a, int b)
{
	static int calls;		/* DW_OP_addr: moved by a PIE's load */
	int sum = a + b;

	calls++;
	counter += sum;
	printf("add call %d\n", calls);
	return sum;
}

NOINLINE static long area(const struct shape *s)
{
	long w = s->corner[1].x - s->corner[0].x;
	long h = s->corner[1].y - s->corner[0].y;

	return w * h;
}

NOINLINE long fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}

NOINLINE int describe(struct shape *s, enum color c, const char *label,
		      int *vals, int nvals)
{
	int total = 0;

	for (int i = 0; i < nvals; i++)
		total += vals[i];
	s->color = c;
	s->area = area(s);
	printf("describe %s %s color=%d area=%ld total=%d next=%s\n", label,
	       s->name, (int)c, s->area, total, s->next ? s->next->name : "-");
	return total;			/* line DESCRIBE_RET */
}

int main(void)
{
	struct shape sq = { "square", RED, { { 0, 0 }, { 4, 5 } }, &first, 0,
			    { 1, 2, 3, 4 } };
	int vals[3] = { 10, 20, 30 };
	long f;

	for (int i = 0; i < 3; i++)
		printf("add %d %d = %d\n", i, 10 * i, add(i, 10 * i));
	f = fact(5);
	printf("fact 5 = %ld\n", f);
	printf("describe returned %d\n", describe(&sq, BLUE, "label-one", vals, 3));
	printf("counter %ld\n", counter);
	return 0;
}
