/*
 * main.c - authmilter: command line, configuration, socket, privileges,
 * signals
 *
 * Start-up order matters: the configuration is read and the socket opened
 * as root; then the process detaches, writes its pid file and drops to the
 * configured user (refusing to run as root); only then is the DNS context
 * created (a libunbound context must not cross fork()) and libmilter
 * started.  libmilter runs in its own thread: its signal thread would stop
 * the daemon on SIGHUP, so the main thread, created first and the one the
 * kernel prefers for process signals, waits for SIGHUP (reload) and
 * SIGTERM/SIGINT (stop) itself.
 *
 * Exit codes: 0 normal, 1 configuration error, 2 usage, 3 run-time failure.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "config.h"
#include "conn.h"
#include "dkim.h"
#include "dmarc.h"
#include "dns.h"
#include "log.h"
#include "milter.h"
#include "pkcache.h"
#include "sockopt.h"
#include "spf.h"
#include "version.h"

#define EXIT_CONFIG	1
#define EXIT_USAGE	2
#define EXIT_RUNTIME	3

#define STOP_GRACE	30	/* seconds for sessions in flight at stop */

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define DEFAULT_CONFIG	SYSCONFDIR "/authmilter.conf"

static int	 milter_rc;	/* smfi_main's result */
static bool	 drained;	/* no session left running at stop */

/* usage - the synopsis, then exit */
static void
usage(void)
{
	fprintf(stderr, "usage: authmilter [-fnV] [-c config-file]\n"
	    "  -c FILE  configuration file (default %s)\n"
	    "  -f       stay in the foreground, log to stderr too\n"
	    "  -n       check the configuration and exit\n"
	    "  -V       print versions and exit\n", DEFAULT_CONFIG);
	exit(EXIT_USAGE);
}

/* report_stderr - a configuration error to standard error */
static void
report_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "authmilter: %s\n", msg);
}

/* report_log - a configuration error to the log (reload) */
static void
report_log(void *arg, const char *msg)
{
	(void)arg;
	log_err("%s", msg);
}

/* fatal - log and exit with the run-time failure code */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_err("fatal: %s", buf);
	exit(EXIT_RUNTIME);
}

/* unix_path - the path of a unix: or local: socket spec, or NULL */
static const char *
unix_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/* socket_in_use - does a live process answer on the unix socket PATH? */
static bool
socket_in_use(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;
	bool			 live;

	if (strlen(path) >= sizeof sun.sun_path)
		return false;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return false;
	live = connect(fd, (struct sockaddr *)&sun, sizeof sun) == 0;
	close(fd);
	return live;
}

/* make_rundir - create the directory of PATH for USER when missing */
static void
make_rundir(const char *path, const struct passwd *pw)
{
	char	*copy, *dir;

	if (path == NULL || path[0] != '/' || (copy = strdup(path)) == NULL)
		return;
	dir = dirname(copy);
	if (mkdir(dir, 0755) == 0 && pw != NULL &&
	    chown(dir, pw->pw_uid, pw->pw_gid) != 0)
		log_warn("chown %s: %s", dir, strerror(errno));
	free(copy);
}

/* socket_perms - owner, group and mode of the unix socket */
static void
socket_perms(const struct config *c, const struct passwd *pw)
{
	const char	*path = unix_path(c->socket);
	struct group	*gr;
	gid_t		 gid;

	if (path == NULL)
		return;
	gid = pw != NULL ? pw->pw_gid : getgid();
	if (c->socket_group[0] != '\0') {
		if ((gr = getgrnam(c->socket_group)) == NULL)
			fatal("SocketGroup %s: no such group", c->socket_group);
		gid = gr->gr_gid;
	}
	if (chown(path, pw != NULL ? pw->pw_uid : (uid_t)-1, gid) != 0)
		fatal("chown %s: %s", path, strerror(errno));
	if (chmod(path, c->socket_mode) != 0)
		fatal("chmod %s: %s", path, strerror(errno));
}

/* open_socket - register with libmilter and open the listening socket */
static void
open_socket(const struct config *c, const struct passwd *pw)
{
	const char *path = unix_path(c->socket);
	int	    n;

	if (path != NULL) {
		if (socket_in_use(path))
			fatal("%s: another process is listening on it", path);
		make_rundir(path, pw);
	}
	if (smfi_setconn((char *)c->socket) != MI_SUCCESS)
		fatal("Socket %s: not usable", c->socket);
	if (milter_register() != 0)
		fatal("smfi_register failed");
	/*
	 * libmilter drops a session whose packet is over 64 KB by default:
	 * one header line that long (Postfix passes up to its
	 * header_size_limit, 100 KB) would end in the MTA's milter default
	 * action, a tempfail, on every retry.  256 KB holds any of them.
	 */
	(void)smfi_setmaxdatasize(256 * 1024 - 1);
	/* true: remove a stale unix socket (none is live, checked above) */
	if (smfi_opensocket(true) != MI_SUCCESS)
		fatal("cannot open socket %s", c->socket);
	/* inet: no Nagle stall between libmilter's small writes */
	if (strncmp(c->socket, "inet", 4) == 0) {
		if ((n = sockopt_nodelay()) < 1)
			log_warn("Socket %s: cannot set TCP_NODELAY: replies "
			    "may wait for the MTA's delayed acknowledgements",
			    c->socket);
		else
			log_info("Socket %s: TCP_NODELAY on %d listening "
			    "socket(s)", c->socket, n);
	}
	socket_perms(c, pw);
}

/* lookup_user - the account to run as; refuses root */
static struct passwd *
lookup_user(const struct config *c)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return NULL;	/* not root: nothing to drop */
	if ((pw = getpwnam(c->user)) == NULL)
		fatal("User %s: no such user", c->user);
	if (pw->pw_uid == 0)
		fatal("User %s: refusing to run as root", c->user);
	return pw;
}

/* drop_privileges - become PW for good, and check it */
static void
drop_privileges(const struct passwd *pw)
{
	if (pw == NULL) {
		if (geteuid() == 0)
			fatal("refusing to run as root");
		return;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		fatal("cannot become %s: %s", pw->pw_name, strerror(errno));
	if (setuid(0) == 0 || geteuid() == 0)
		fatal("privileges not dropped");
}

/* write_pidfile - our pid into PATH ("" for none) */
static void
write_pidfile(const char *path, const struct passwd *pw)
{
	FILE *fp;

	if (path[0] == '\0')
		return;
	make_rundir(path, pw);
	if ((fp = fopen(path, "w")) == NULL)
		fatal("PidFile %s: %s", path, strerror(errno));
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0)
		fatal("PidFile %s: %s", path, strerror(errno));
	if (pw != NULL && chown(path, pw->pw_uid, pw->pw_gid) != 0)
		log_warn("chown %s: %s", path, strerror(errno));
}

/* restart_needed - warn about keys a reload cannot apply */
static void
restart_needed(const struct config *o, const struct config *n)
{
	if (!config_dns_equal(o, n))
		log_warn("reload: DNS settings changed; they take effect "
		    "after a restart");
	if (strcmp(o->socket, n->socket) != 0 ||
	    strcmp(o->user, n->user) != 0 ||
	    strcmp(o->pidfile, n->pidfile) != 0 ||
	    o->socket_mode != n->socket_mode ||
	    strcmp(o->socket_group, n->socket_group) != 0)
		log_warn("reload: Socket, SocketMode, SocketGroup, User and "
		    "PidFile take effect after a restart");
}

/* reload - SIGHUP: a new config, or keep the old one */
static void
reload(const char *path)
{
	struct config *n, *o;

	if ((n = config_load(path, report_log, NULL)) == NULL) {
		log_err("reload: %s has errors; keeping the running "
		    "configuration", path);
		return;
	}
	o = config_current();
	restart_needed(o, n);
	config_unref(o);
	log_reconfigure(n->syslog_facility, n->log_level);
	config_install(n);
	log_notice("reload: configuration %s loaded", path);
}

/* milter_thread - libmilter's main loop; wake main when it ends */
static void *
milter_thread(void *arg)
{
	(void)arg;
	milter_rc = smfi_main();
	kill(getpid(), SIGTERM);
	return NULL;
}

/*
 * drain - let the sessions in flight finish, up to STOP_GRACE seconds.
 * libmilter's listener notices smfi_stop() only when its 5-second select
 * ends, so rather than join it we wait for our own sessions to close; the
 * listener thread ends with the process.
 */
static int
drain(pthread_t tid)
{
	struct timespec	 nap = { 0, 20 * 1000 * 1000 };
	int		 i;

	for (i = 0; i < STOP_GRACE * 50; i++) {
		if (pthread_tryjoin_np(tid, NULL) == 0) {
			drained = true;
			return milter_rc == MI_SUCCESS ? 0 : EXIT_RUNTIME;
		}
		if (conn_count() == 0) {
			drained = true;
			return 0;
		}
		nanosleep(&nap, NULL);
	}
	log_warn("stopping with %d sessions still open", conn_count());
	return 0;
}

/* serve - run libmilter until SIGTERM/SIGINT, reloading on SIGHUP */
static int
serve(const char *path, const sigset_t *set)
{
	pthread_t	 tid;
	int		 sig;

	if (pthread_create(&tid, NULL, milter_thread, NULL) != 0)
		fatal("cannot start the milter thread");
	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(path);
			continue;
		}
		break;
	}
	log_notice("stopping (signal %d)", sig);
	smfi_stop();
	return drain(tid);
}

/* log_caches - what the DNS answer cache and the DKIM key cache did */
static void
log_caches(struct dns *d)
{
	struct dns_stats	 ds;
	struct pkcache_stats	 ps;

	dns_get_stats(d, &ds);
	pkcache_get_stats(&ps);
	log_info("caches: dns hits=%lu misses=%lu entries=%lu; dkim keys "
	    "hits=%lu decoded=%lu", ds.hits, ds.misses, ds.entries, ps.hits,
	    ps.misses);
}

/* start - everything between the parsed command line and serving */
static int
start(struct config *c, const char *path, bool foreground)
{
	struct passwd	*pw;
	struct dns	*d;
	sigset_t	 set;
	char		 err[512], pidfile[1024];
	int		 rc;

	log_open("authmilter", c->syslog_facility, c->log_level, foreground);
	pw = lookup_user(c);
	open_socket(c, pw);
	if (!foreground && daemon(0, 0) != 0)
		fatal("daemon: %s", strerror(errno));
	/* The config may be replaced by a reload: keep what exit needs. */
	snprintf(pidfile, sizeof pidfile, "%s", c->pidfile);
	write_pidfile(pidfile, pw);
	drop_privileges(pw);
	/* Block before any thread exists, so that all of them inherit it. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((d = dns_new(c, err, sizeof err)) == NULL)
		fatal("DNS: %s", err);
	milter_set_dns(d);
	if (spf_init(d, c->authserv_id) != 0)
		fatal("SPF: cannot initialise libspf2");
	if (dkimv_init(d) != 0)
		fatal("DKIM: cannot initialise libopendkim");
	if (dmarc_init(d, c->dmarc_mode, c->dmarc_psl, err, sizeof err) != 0)
		fatal("DMARCPublicSuffixList %s: %s", c->dmarc_psl, err);
	config_install(c);
	log_notice("started: authserv-id %s, socket %s", c->authserv_id,
	    c->socket);
	rc = serve(path, &set);
	if (!drained) {
		/* Sessions still use the resolver: leave it to exit(). */
		if (pidfile[0] != '\0')
			(void)unlink(pidfile);
		return rc;
	}
	log_caches(d);
	dmarc_shutdown();
	dkimv_shutdown();
	spf_shutdown();
	milter_set_dns(NULL);
	dns_free(d);
	pkcache_clear();
	config_install(NULL);
	if (pidfile[0] != '\0')
		(void)unlink(pidfile);
	log_notice("stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	const char	*path = DEFAULT_CONFIG;
	bool		 foreground = false, check = false;
	struct config	*c;
	int		 ch;

	while ((ch = getopt(argc, argv, "c:fnVh")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'V':
			version_print(stdout);
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if ((c = config_load(path, report_stderr, NULL)) == NULL)
		return EXIT_CONFIG;
	if (check) {
		printf("%s: configuration is valid\n", path);
		config_unref(c);
		return 0;
	}
	return start(c, path, foreground);
}
