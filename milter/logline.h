/*
 * logline.h - the one log line per message
 *
 * Contract
 *   log_message() writes, at info, one line per message keyed by the MTA's
 *   queue id: client IP, HELO, MAIL FROM domain, From domain, each
 *   method's result, the number of forged Authentication-Results removed,
 *   the action and the milliseconds taken.  Every field from mail is
 *   sanitized and length-capped (log_sanitize); fields are "name=value"
 *   with no spaces inside a value, so the line splits on spaces.
 *
 *   QUEUEID: client=IP helo=HELO mailfrom=DOMAIN from=DOMAIN
 *     spf=RESULT [helo_spf=RESULT] [spf_problem=TEXT] dkim=- dmarc=-
 *     ar_removed=N action=ACTION ms=N
 *   Skipped messages have "skipped=internal|authenticated" in place of
 *   from= and the results.
 */
#ifndef AM_LOGLINE_H
#define AM_LOGLINE_H

struct conn;
struct msg;

/* log_message - the line for message M of session CN */
void	 log_message(const struct conn *cn, const struct msg *m);

#endif /* AM_LOGLINE_H */
