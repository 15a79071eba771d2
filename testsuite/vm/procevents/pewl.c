/* pewl.c - the workload of testsuite/vm/procevents/run-tests.
 *
 *   pewl threads N   starts N threads, each returns; joins them; exits 0
 *   pewl sleep       one thread and the main one sleep until killed
 *   pewl fork        forks a child (no exec) that exits 3; waits for it
 *   pewl exitall N   starts N threads that spin, then exits: all of them
 *                    leave together (exit_group)
 *
 * Prints nothing: the probes report it. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *quick(void *arg)
{
	return arg;
}

static volatile int spinning;

static void *spin(void *arg)
{
	__atomic_add_fetch(&spinning, 1, __ATOMIC_SEQ_CST);
	for (;;)
		;
	return arg;
}

static void *nap(void *arg)
{
	for (;;)
		sleep(100);
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t t[16];
	int n, i, st;

	if (argc > 2 && !strcmp(argv[1], "threads")) {
		n = atoi(argv[2]);
		if (n < 0 || n > 16)
			return 2;
		for (i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, quick, NULL))
				return 1;
		for (i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "sleep")) {
		if (pthread_create(&t[0], NULL, nap, NULL))
			return 1;
		nap(NULL);
	}
	if (argc > 2 && !strcmp(argv[1], "exitall")) {
		n = atoi(argv[2]);
		if (n < 0 || n > 16)
			return 2;
		for (i = 0; i < n; i++)
			if (pthread_create(&t[i], NULL, spin, NULL))
				return 1;
		while (__atomic_load_n(&spinning, __ATOMIC_SEQ_CST) < n)
			sched_yield();
		exit(0);
	}
	if (argc > 1 && !strcmp(argv[1], "fork")) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(3);
		if (pid < 0 || waitpid(pid, &st, 0) != pid)
			return 1;
		return 0;
	}
	return 2;
}
