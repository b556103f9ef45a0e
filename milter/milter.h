/*
 * milter.h - the libmilter callbacks
 *
 * Contract
 *   milter_register() registers authmilter's callbacks with libmilter;
 *   milter_set_dns() hands them the process's resolver before the first
 *   session.  The callbacks are thin: each one fills the connection or
 *   message state (conn.h) and calls the module that does the work.
 *
 *   Negotiated: add and change headers, quarantine, macro lists; no
 *   RCPT and no unknown-command callbacks; header values with their
 *   leading space; no replies to headers when the MTA allows; SKIP for
 *   bodies we do not need.
 *
 *   Per message: mail from InternalHosts is accepted untouched at DATA
 *   (those hosts may be trusted relays carrying our own results); mail
 *   from authenticated clients, when IgnoreAuthenticatedClients is set, is
 *   not verified but forged Authentication-Results with our authserv-id
 *   are still removed; everything else gets one Authentication-Results
 *   header at the top, after every incoming one with our authserv-id has
 *   been deleted (RFC 8601 section 5), and one log line.
 */
#ifndef AM_MILTER_H
#define AM_MILTER_H

struct dns;

/* milter_register - register the callbacks; 0 on success */
int	 milter_register(void);

/* milter_set_dns - the resolver the callbacks use */
void	 milter_set_dns(struct dns *d);

#endif /* AM_MILTER_H */
