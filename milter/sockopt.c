/*
 * sockopt.c - TCP_NODELAY on the sessions of a socket libmilter owns
 *
 * libmilter writes an end-of-message reply as several small writes (each
 * header change, then the verdict).  With Nagle's algorithm on, the second
 * write waits for the MTA to acknowledge the first, and an MTA that has
 * nothing to send delays that acknowledgement (about 40 ms on Linux): a
 * stall per message on inet sockets, with both CPUs idle.  libmilter does
 * not hand out its sockets, but it opens the listening socket before it
 * accepts anything (smfi_opensocket), and on Linux an accepted socket
 * inherits TCP_NODELAY from the listening socket.  So the listening socket
 * is found among the process's descriptors and given the option.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>

#include "sockopt.h"

/* tcp_listener - whether fd is a listening TCP socket */
static int
tcp_listener(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == -1 ||
	    v == 0)
		return 0;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) == -1 ||
	    (v != AF_INET && v != AF_INET6))
		return 0;
	len = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 &&
	    v == IPPROTO_TCP;
}

int
sockopt_nodelay(void)
{
	DIR *d;
	struct dirent *e;
	char *end;
	long fd;
	int one = 1, n = 0, err = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		fd = strtol(e->d_name, &end, 10);
		if (*end != '\0' || end == e->d_name || fd == dirfd(d) ||
		    !tcp_listener((int)fd))
			continue;
		if (setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) == -1)
			err = errno;
		else
			n++;
	}
	(void)closedir(d);
	if (err != 0) {
		errno = err;
		return -1;
	}
	return n;
}
