/*
 * blackhole.c - a DNS server that never answers (test helper)
 *
 * Usage: blackhole ADDR PORT
 *
 * Binds a UDP socket and a listening TCP socket on ADDR:PORT and reads
 * and discards everything, forever, without ever answering: a resolver
 * pointed at it can only time out.  TCP connections are accepted and
 * held open, at most MAX_HELD of them; beyond that the oldest is closed.
 * A connection is closed when its peer closes it.  SIGTERM or SIGINT
 * ends the program (default action).  Errors at start-up exit 1.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_HELD	64	/* TCP connections held open at once */

/* Poll slots: the UDP socket, the TCP listener, then held connections. */
#define SLOT_UDP	0
#define SLOT_TCP	1
#define SLOT_FIRST	2
#define NSLOTS		(SLOT_FIRST + MAX_HELD)

static struct pollfd	pfd[NSLOTS];
static unsigned long	age[NSLOTS];	/* accept order; older is smaller */
static unsigned long	accepted;

static void		usage(void) __attribute__((noreturn));
static int		bind_socket(const char *, const char *, int);
static void		accept_one(void);
static void		drain(int);

/* usage - explain the arguments and exit */
static void
usage(void)
{
	fprintf(stderr, "usage: blackhole ADDR PORT\n");
	exit(1);
}

/* bind_socket - a socket of TYPE bound to ADDR:PORT; exits on failure */
static int
bind_socket(const char *addr, const char *port, int type)
{
	struct addrinfo	 hints, *res;
	int		 fd, on = 1, error;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((error = getaddrinfo(addr, port, &hints, &res)) != 0) {
		fprintf(stderr, "blackhole: %s port %s: %s\n", addr, port,
		    gai_strerror(error));
		exit(1);
	}
	if ((fd = socket(res->ai_family, res->ai_socktype,
	    res->ai_protocol)) == -1) {
		perror("blackhole: socket");
		exit(1);
	}
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR,
	    &on, sizeof(on)) == -1) {
		perror("blackhole: SO_REUSEADDR");
		exit(1);
	}
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1) {
		fprintf(stderr, "blackhole: bind %s %s/%s: %s\n", addr, port,
		    type == SOCK_STREAM ? "tcp" : "udp", strerror(errno));
		exit(1);
	}
	freeaddrinfo(res);
	if (type == SOCK_STREAM && listen(fd, 16) == -1) {
		perror("blackhole: listen");
		exit(1);
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		perror("blackhole: O_NONBLOCK");
		exit(1);
	}
	return fd;
}

/* accept_one - hold a new TCP connection, evicting the oldest if full */
static void
accept_one(void)
{
	int	 fd, i, slot = -1;

	if ((fd = accept(pfd[SLOT_TCP].fd, NULL, NULL)) == -1)
		return;		/* the peer gave up, or out of fds: go on */
	for (i = SLOT_FIRST; i < NSLOTS; i++) {
		if (pfd[i].fd == -1) {
			slot = i;
			break;
		}
		if (slot == -1 || age[i] < age[slot])
			slot = i;
	}
	if (pfd[slot].fd != -1)
		close(pfd[slot].fd);
	/* Never block in read(); this poll round's events were not its. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	pfd[slot].fd = fd;
	pfd[slot].events = POLLIN;
	pfd[slot].revents = 0;
	age[slot] = ++accepted;
}

/* drain - read and discard what slot I holds; close it at EOF */
static void
drain(int i)
{
	char	 buf[4096];
	ssize_t	 n;

	if (i == SLOT_UDP) {
		while (recv(pfd[i].fd, buf, sizeof(buf), 0) >= 0)
			;
		return;
	}
	n = read(pfd[i].fd, buf, sizeof(buf));
	if (n == 0 || (n == -1 && errno != EINTR && errno != EAGAIN)) {
		close(pfd[i].fd);
		pfd[i].fd = -1;
	}
}

int
main(int argc, char *argv[])
{
	int	 i;

	if (argc != 3)
		usage();
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);

	for (i = 0; i < NSLOTS; i++) {
		pfd[i].fd = -1;
		pfd[i].events = POLLIN;
	}
	pfd[SLOT_UDP].fd = bind_socket(argv[1], argv[2], SOCK_DGRAM);
	pfd[SLOT_TCP].fd = bind_socket(argv[1], argv[2], SOCK_STREAM);

	for (;;) {
		if (poll(pfd, NSLOTS, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("blackhole: poll");
			return 1;
		}
		if (pfd[SLOT_TCP].revents & POLLIN)
			accept_one();
		for (i = 0; i < NSLOTS; i++) {
			if (i != SLOT_TCP && pfd[i].fd != -1 &&
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(i);
		}
	}
}
