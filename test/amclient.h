/*
 * amclient.h - the parts of amclient shared by its two files
 *
 * amclient is the MTA side of the Sendmail milter protocol (version 6),
 * spoken as Postfix speaks it, for the end-to-end tests and the benchmark.
 * amclient.c holds the protocol engine and runs the sessions on threads;
 * amclient_cli.c holds the command line and the summary table;
 * amc_msgfile.c reads the message files.  Everything declared here is built once, before the first
 * session, and read-only after that, so the threads share it without a
 * lock; the one exception, struct amc_record, is written by the session
 * it belongs to and read only after every thread has been joined.
 */
#ifndef AM_TEST_AMCLIENT_H
#define AM_TEST_AMCLIENT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

/* How a session ended; AMC_NRESULTS counts them. */
enum amc_result {
	AMC_ACCEPT, AMC_CONTINUE, AMC_REJECT, AMC_TEMPFAIL, AMC_DISCARD,
	AMC_REPLY, AMC_SHUTDOWN, AMC_CONNFAIL, AMC_ABORTED, AMC_DISCONNECTED,
	AMC_NRESULTS
};

extern const char *const amc_result_names[AMC_NRESULTS];

struct amc_macro {
	const char	*name;
	const char	*value;
};

/* An envelope.  In a message, NULL or 0 means "the file does not say". */
struct amc_env {
	const char	*client;
	const char	*host;
	const char	*helo;
	const char	*from;
	const char	**rcpt;
	size_t		 nrcpt;
	struct amc_macro *mac;
	size_t		 nmac;
};

struct amc_header {
	char		*name;
	char		*value;		/* lead space kept, folds "\n" */
};

struct amc_message {
	const char	*path;
	char		*raw;		/* the file, env points here */
	struct amc_env	 env;		/* X-Amclient-* lines */
	struct amc_header *hdr;
	size_t		 nhdr;
	char		*body;		/* every line ends in CR LF */
	size_t		 bodylen;
};

struct amc_opts {
	const char	*sockspec;	/* as given, for messages */
	struct sockaddr_storage sa;
	socklen_t	 salen;
	struct amc_env	 env;		/* command line and defaults */
	unsigned long	 conc;		/* -n */
	unsigned long	 total;		/* -N */
	double		 timeout;	/* -t, seconds */
	long long	 abort_at;	/* -A; -1 when off */
	long long	 disc_at;	/* -D; -1 when off */
	int		 verbose;	/* per-session output, no summary */
	int		 pfwrites;	/* -P: write each packet, Nagle on */
	struct amc_message *msg;
	size_t		 nmsg;
};

struct amc_record {
	int		 failed;
	enum amc_result	 result;
	double		 lat_ms;	/* connect to verdict */
	double		 eom_ms;	/* bodyeob to verdict, or < 0 */
};

/* amc_parse_args - the command line and message files, or exit 2 */
void	 amc_parse_args(struct amc_opts *, int, char **);

/* amc_free_opts - release what amc_parse_args allocated */
void	 amc_free_opts(struct amc_opts *);

/* amc_summary - print the summary table of all sessions */
void	 amc_summary(const struct amc_opts *, const struct amc_record *,
	    double);

/* amc_msgfile.c: the message files, shared with test/bench/smtpreplay */

/* amc_progname - the program's name in error messages ("amclient") */
extern const char *amc_progname;

/* amc_die - print "PROGNAME: message" and exit 2 */
void	 amc_die(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* amc_load_message - read and parse one message file into M, or exit */
void	 amc_load_message(struct amc_message *m, const char *path);

/* amc_free_message - release what amc_load_message allocated */
void	 amc_free_message(struct amc_message *m);

/* amc_valid_ip - whether S is an IPv4 or IPv6 literal */
int	 amc_valid_ip(const char *s);

/* amc_split_macro - cut NAME=VALUE in place into MAC; -1 if not that */
int	 amc_split_macro(char *arg, struct amc_macro *mac);

/* amc_mac_find - whether a macro list defines name ("i" is "{i}") */
int	 amc_mac_find(const struct amc_macro *, size_t, const char *);

/* amc_xrealloc - realloc, or exit when memory runs out */
void	*amc_xrealloc(void *, size_t);

#endif /* AM_TEST_AMCLIENT_H */
