/*
 * log.h - syslog logging and the one line per message
 *
 * Contract
 *   log_open() sets identity, facility and threshold; with TO_STDERR the
 *   lines also go to standard error (foreground mode).  log_msg() is
 *   thread-safe (syslog(3) is).  Text that comes from mail or DNS must go
 *   through log_sanitize() before it is logged: it keeps printable ASCII,
 *   writes other bytes as \xHH, caps the length at AM_LOG_FIELD and marks a
 *   cut with "...".  Key material is never logged.
 */
#ifndef AM_LOG_H
#define AM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

/* log_open - start logging as IDENT to FACILITY, up to LEVEL */
void	 log_open(const char *ident, int facility, int level, bool to_stderr);

/* log_reconfigure - change facility and level (SIGHUP reload) */
void	 log_reconfigure(int facility, int level);

/* log_msg - log one line at PRIO (a syslog priority) */
void	 log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* log_enabled - would a line at PRIO be written? */
bool	 log_enabled(int prio);

/* log_sanitize - printable copy of (SRC, LEN) in DST (always terminated) */
size_t	 log_sanitize(char *dst, size_t dstlen, const char *src, size_t len);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* AM_LOG_H */
