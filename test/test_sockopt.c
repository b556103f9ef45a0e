/*
 * test_sockopt.c - TCP_NODELAY reaches the sessions of a listening socket
 *
 * The daemon cannot ask libmilter for its sockets; sockopt_nodelay() finds
 * the listening TCP sockets among the descriptors and sets the option, and
 * the accepted sockets must inherit it.  A unix socket and a connected TCP
 * socket are left alone.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../milter/sockopt.h"

/* nodelay - TCP_NODELAY of fd, or -1 */
static int
nodelay(int fd)
{
	int v;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == -1)
		return -1;
	return v != 0;
}

/* tcp_listen - a listening socket on an ephemeral loopback port */
static int
tcp_listen(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int fd;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*len = sizeof(*sin6);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *len) == -1 ||
	    listen(fd, 8) == -1 ||
	    getsockname(fd, (struct sockaddr *)ss, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* session - connect to the listener; the accepted side's TCP_NODELAY */
static int
session(int lfd, const struct sockaddr_storage *ss, socklen_t len,
    int *client_nodelay)
{
	int c, a, v = -1;

	if ((c = socket(ss->ss_family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(c, (const struct sockaddr *)ss, len) == 0 &&
	    (a = accept(lfd, NULL, NULL)) != -1) {
		v = nodelay(a);
		close(a);
	}
	*client_nodelay = nodelay(c);
	close(c);
	return v;
}

int
main(void)
{
	struct sockaddr_storage s4, s6;
	struct sockaddr_un sun;
	socklen_t l4, l6;
	int l4fd, l6fd, ufd, cfd = -1, afd, v;
	char dir[] = "/tmp/am-sockopt.XXXXXX";

	l4fd = tcp_listen(AF_INET, &s4, &l4);
	CHECK(l4fd != -1, "IPv4 listener");
	l6fd = tcp_listen(AF_INET6, &s6, &l6);	/* -1 without IPv6 */

	/* Before: accepted sockets have Nagle on (the stall to avoid). */
	CHECK_INT(session(l4fd, &s4, l4, &v), 0, "accepted before");

	/* A unix listener and a connected TCP socket are not listeners. */
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir);
	ufd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(ufd != -1 && bind(ufd, (struct sockaddr *)&sun,
	    sizeof(sun)) == 0 && listen(ufd, 1) == 0, "unix listener");
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(cfd != -1 && connect(cfd, (struct sockaddr *)&s4, l4) == 0,
	    "connected socket");

	CHECK_INT(sockopt_nodelay(), l6fd != -1 ? 2 : 1, "listeners set");
	CHECK_INT(nodelay(l4fd), 1, "IPv4 listener has TCP_NODELAY");
	CHECK_INT(nodelay(cfd), 0, "connected socket untouched");
	/*
	 * The option is copied when the handshake makes the session's
	 * socket, not at accept(2): the one queued before keeps Nagle.
	 */
	if ((afd = accept(l4fd, NULL, NULL)) != -1) {
		CHECK_INT(nodelay(afd), 0, "queued before: not inherited");
		close(afd);
	} else
		CHECK(0, "accept the queued connection");

	/* After: every accepted socket inherits it; clients are untouched. */
	CHECK_INT(session(l4fd, &s4, l4, &v), 1, "IPv4 accepted after");
	CHECK_INT(v, 0, "client side untouched");
	if (l6fd != -1) {
		CHECK_INT(nodelay(l6fd), 1, "IPv6 listener has TCP_NODELAY");
		CHECK_INT(session(l6fd, &s6, l6, &v), 1, "IPv6 accepted after");
	}

	/* A second call finds the same listeners; none is made twice. */
	CHECK_INT(sockopt_nodelay(), l6fd != -1 ? 2 : 1, "idempotent");

	close(cfd);
	close(ufd);
	unlink(sun.sun_path);
	rmdir(dir);
	close(l4fd);
	if (l6fd != -1)
		close(l6fd);
	return check_done("test_sockopt");
}
