/* readloop.c - the workload of bench/run-kernel-bench, run in the VM.
 *
 *   readloop N BATCHES
 *
 * Opens /dev/zero and makes BATCHES batches of N one-byte read()s (after
 * a few warm-up reads), timing each batch with clock_gettime
 * (CLOCK_MONOTONIC).  Prints one line per batch: "ns TOTAL" (the batch's
 * guest nanoseconds; under vm/run --icount one nanosecond is one guest
 * instruction).  Exits 1 if a read does not return 1.  Built static, so
 * nothing but read() itself and the clock runs in the timed loop. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n, batches, i, b;
	long long t0, t1;
	char c;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: readloop N BATCHES\n");
		return 2;
	}
	n = atol(argv[1]);
	batches = atol(argv[2]);
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0) {
		perror("readloop: /dev/zero");
		return 1;
	}
	for (i = 0; i < 100; i++)
		if (read(fd, &c, 1) != 1)
			return 1;
	for (b = 0; b < batches; b++) {
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			if (read(fd, &c, 1) != 1) {
				perror("readloop: read");
				return 1;
			}
		}
		t1 = now_ns();
		printf("ns %lld\n", t1 - t0);
	}
	return 0;
}
