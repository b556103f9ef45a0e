/*
 * conn.h - connection and message state, each with one free point
 *
 * Contract
 *   A struct conn is created when the MTA opens a session (negotiate or
 *   connect) and freed only by conn_free(), from the close callback.  It
 *   holds a reference to the configuration the session started with, so a
 *   reload never changes a session in flight.  The message state belongs
 *   to the connection: conn_msg_begin() starts a fresh one (MAIL FROM) and
 *   conn_msg_end() releases it; end-of-message, abort and close all end
 *   there.  libmilter runs one session's callbacks on different threads
 *   (Debian's worker pool) but never two at once, so no lock is needed
 *   here: the state is reached only through smfi_getpriv().
 */
#ifndef AM_CONN_H
#define AM_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "caps.h"
#include "dkim.h"
#include "dmarc.h"
#include "dns.h"
#include "spf.h"

struct config;

/* skip_reason - why a message is passed without verification */
enum skip_reason {
	SKIP_NONE = 0,
	SKIP_INTERNAL,		/* client in InternalHosts */
	SKIP_AUTHENTICATED	/* SMTP AUTH, IgnoreAuthenticatedClients */
};

/*
 * msg - one message (MAIL FROM to end-of-message or abort).  The result
 * fields are the per-message record that logging (and later reporting)
 * reads; the callbacks only fill them in.
 */
struct msg {
	struct timespec	 start;			/* CLOCK_MONOTONIC */
	struct dns_budget budget;		/* DNS time left */
	enum skip_reason skip;
	char		 queue_id[64];		/* MTA's {i}, sanitized */
	char		 mailfrom[AM_MAX_PATH + 1];	/* without <> */
	char		 mailfrom_domain[AM_MAX_DOMAIN + 1];
	char		 from_domain[AM_MAX_DOMAIN + 1];	/* author domain */
	unsigned	 from_count;		/* From: headers seen */
	int		 from_status;		/* enum addr_status of the first */

	/* Authentication-Results seen: indices (1-based) of ours, ascending */
	unsigned	 ar_seen;
	unsigned	*ar_ours;
	size_t		 n_ar_ours;
	size_t		 cap_ar_ours;
	bool		 ar_overflow;		/* more of ours than we track */
	unsigned	 ar_removed;		/* deleted at end-of-message */

	/* SPF: started at MAIL FROM, collected at end-of-message */
	struct spf_input spf_in;
	struct spf_job	*spf_job;		/* running, or NULL */
	bool		 spf_ran;		/* outcomes below are valid */
	struct spf_outcome spf_mailfrom;
	struct spf_outcome spf_helo;

	/* DKIM: fed header by header, results at end-of-message */
	struct dkimv	*dkim;
	bool		 dkim_ran;		/* dkim_res is valid */
	struct dkimv_results dkim_res;

	/* DMARC: evaluated at end-of-message; the disposition applied */
	struct dmarc_outcome dmarc;
	const char	*disposition;		/* none, quarantine, reject */
	const char	*override;		/* RFC 9990 reason, or NULL */

	const char	*action;		/* "accept", "reject", ... */
};

/* conn - one MTA session */
struct conn {
	struct config	*cfg;		/* reference held for the session */
	char		 client_ip[46];	/* text, "" when not an IP client */
	int		 family;	/* AF_INET, AF_INET6 or AF_UNSPEC */
	unsigned char	 addr[16];
	char		 client_name[AM_MAX_DOMAIN + 3];
	char		 helo[AM_MAX_HELO + 1];
	bool		 internal;	/* client in InternalHosts */
	bool		 leadspc;	/* SMFIP_HDR_LEADSPC negotiated */
	bool		 nr_hdr;	/* SMFIP_NR_HDR: header replies off */
	bool		 nr_conn;	/* SMFIP_NR_CONN: no reply to connect */
	bool		 nr_helo;	/* SMFIP_NR_HELO: no reply to HELO */
	bool		 nr_eoh;	/* SMFIP_NR_EOH: no reply to end of headers */
	bool		 skip_ok;	/* SMFIP_SKIP negotiated */
	struct msg	*msg;		/* current message or NULL */
};

/* conn_new - a session under config C (a reference is taken) */
struct conn	*conn_new(struct config *c);

/* conn_free - end the session: message, config reference, state */
void		 conn_free(struct conn *cn);

/* conn_count - sessions open now (for a graceful stop) */
int		 conn_count(void);

/* conn_msg_begin - start a new message (ending any current one) */
struct msg	*conn_msg_begin(struct conn *cn);

/* conn_msg_end - release the current message; no-op without one */
void		 conn_msg_end(struct conn *cn);

/* msg_ar_note - remember Authentication-Results number IDX as ours */
void		 msg_ar_note(struct msg *m, unsigned idx);

/* msg_elapsed_ms - milliseconds since the message began */
unsigned	 msg_elapsed_ms(const struct msg *m);

/* copy_domain - the domain part of an address (after the last '@'), lower-cased */
void		 copy_domain(char *dst, size_t dstlen, const char *addr);

#endif /* AM_CONN_H */
