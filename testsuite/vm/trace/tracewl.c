/* tracewl.c - the workload of the tracepoint tests (run-tests): tasks
 * whose context switches, forks, execs and exits the tests know.
 *
 *   tracewl sleeps K MS     sleeps MS ms, K times (K switches out, each
 *                           in state S)
 *   tracewl forks K CODE    forks K children one after the other, each
 *                           executing this program (its own path) as
 *                           "tracewl exit I"
 *                           (I = 1..K), waits for each, then exits with
 *                           CODE
 *   tracewl exit I          sleeps 5 ms, then exits with status I
 *
 * Built static, so that it runs in the busybox VM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sleeps")) {
		for (int i = 0; i < atoi(argv[2]); i++)
			sleep_ms(atol(argv[3]));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "forks")) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 2;
		self[n] = '\0';
		for (int i = 1; i <= atoi(argv[2]); i++) {
			char code[16];
			pid_t p;

			snprintf(code, sizeof(code), "%d", i);
			p = fork();
			if (p == 0) {
				execl(self, "tracewl", "exit", code, (char *)NULL);
				_exit(127);
			}
			if (p > 0)
				waitpid(p, NULL, 0);
		}
		return atoi(argv[3]);
	}
	if (argc == 3 && !strcmp(argv[1], "exit")) {
		sleep_ms(5);
		return atoi(argv[2]);
	}
	fprintf(stderr, "usage: tracewl sleeps K MS | forks K CODE | exit I\n");
	return 2;
}
