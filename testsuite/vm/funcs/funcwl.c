/* funcwl.c - the workload of testsuite/vm/funcs/run-tests (static).
 *
 *   funcwl task FILE ARG...  setsid(), nice(5), setegid(7), then reads
 *                            FILE 5 bytes at a time (vfs_read) in
 *                            main -> task -> readall -> read; then
 *                            prints its own /proc view as "proc ..." lines
 *   funcwl tcp PORT          a loopback TCP listener on 127.0.0.1:PORT,
 *                            a client connecting to it, one accept, 3
 *                            bytes each way; prints "tcp ok"; then the
 *                            same on [::1]:PORT+1, "tcp6 ok"
 *   funcwl tcpm PORT         tcp PORT, then an IPv6 socket's connect to
 *                            ::ffff:127.0.0.1 port 9 (refused);
 *                            prints "mapped ok"
 *   funcwl sock              socket(), connect() to a closed port,
 *                            close(): the socket-trace example's calls
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Its own frame (built with frame pointers) between task() and libc's
 * read(), for the user back trace. */
static __attribute__((noinline)) void readall(int fd)
{
	char buf[8];

	while (read(fd, buf, 5) > 0)
		;
}

static __attribute__((noinline)) int task(const char *file)
{
	char buf[512], *p;
	int fd, i;
	FILE *f;

	if (setsid() < 0 || nice(5) != 5 || setegid(7) < 0)
		return 1;
	fd = open(file, O_RDONLY);
	if (fd < 0)
		return 1;
	readall(fd);
	close(fd);
	/* /proc/self/stat: pid (comm) state ppid pgrp session ... */
	f = fopen("/proc/self/stat", "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		return 1;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	p = strrchr(buf, ')');
	printf("proc pid %d ppid %d egid %d\n", getpid(), getppid(), (int)getegid());
	/* fields from 3 (state) on, numbered as proc(5) numbers them */
	printf("proc stat");
	for (i = 3, p = strtok(p + 2, " "); p; p = strtok(NULL, " "), i++)
		if (i == 3 || i == 5 || i == 6 || i == 18 || i == 19 || i == 22 || i == 39)
			printf(" %d=%s", i, p);
	printf("\n");
	return 0;
}

static int tcp(int port)
{
	struct sockaddr_in a;
	int l, c, s, one = 1;
	char b[4];

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1))
		return 1;
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&a, sizeof(a)))
		return 1;
	s = accept(l, NULL, NULL);
	if (s < 0 || write(c, "abc", 3) != 3 || read(s, b, 3) != 3 ||
	    write(s, "xyz", 3) != 3 || read(c, b, 3) != 3)
		return 1;
	close(s);
	close(c);
	close(l);
	printf("tcp ok\n");
	return 0;
}

/* The same over IPv6's loopback, ::1. */
static int tcp6(int port)
{
	struct sockaddr_in6 a;
	int l, c, s, one = 1;
	char b[4];

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(port);
	a.sin6_addr = in6addr_loopback;
	l = socket(AF_INET6, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1))
		return 1;
	c = socket(AF_INET6, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (void *)&a, sizeof(a)))
		return 1;
	s = accept(l, NULL, NULL);
	if (s < 0 || write(c, "abc", 3) != 3 || read(s, b, 3) != 3)
		return 1;
	close(s);
	close(c);
	close(l);
	printf("tcp6 ok\n");
	return 0;
}

/* An IPv6 socket connecting to an IPv4-mapped address (::ffff:127.0.0.1,
 * port 9, refused): tcp_v6_connect hands it to tcp_v4_connect. */
static int mapped(void)
{
	struct sockaddr_in6 a;
	int s = socket(AF_INET6, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons(9);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
	if (s < 0)
		return 1;
	connect(s, (void *)&a, sizeof(a));
	close(s);
	printf("mapped ok\n");
	return 0;
}

static int sock(void)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return 1;
	connect(s, (void *)&a, sizeof(a));	/* refused: nobody listens */
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "task"))
		return task(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "tcp"))
		return tcp(atoi(argv[2])) || tcp6(atoi(argv[2]) + 1);
	if (argc == 3 && !strcmp(argv[1], "tcpm"))
		return tcp(atoi(argv[2])) || tcp6(atoi(argv[2]) + 1) || mapped();
	if (argc == 2 && !strcmp(argv[1], "sock"))
		return sock();
	fprintf(stderr, "usage: funcwl task FILE ARG... | tcp PORT | sock\n");
	return 2;
}
