/*
 * log.c - syslog logging (see log.h)
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "caps.h"
#include "log.h"

static int		log_level = LOG_INFO;
static bool		log_stderr;
static pthread_mutex_t	log_stderr_lock = PTHREAD_MUTEX_INITIALIZER;

/* log_open - start logging as IDENT to FACILITY, up to LEVEL */
void
log_open(const char *ident, int facility, int level, bool to_stderr)
{
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
	log_level = level;
	log_stderr = to_stderr;
}

/* log_reconfigure - change facility and level */
void
log_reconfigure(int facility, int level)
{
	/* openlog again: it only replaces identity, options and facility. */
	closelog();
	openlog("authmilter", LOG_PID | LOG_NDELAY, facility);
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

/* log_enabled - would a line at PRIO be written? */
bool
log_enabled(int prio)
{
	return prio <= __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

/* log_msg - log one line at PRIO */
void
log_msg(int prio, const char *fmt, ...)
{
	char	 buf[8192];
	va_list	 ap;

	if (!log_enabled(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	syslog(prio, "%s", buf);
	if (log_stderr) {
		pthread_mutex_lock(&log_stderr_lock);
		fprintf(stderr, "authmilter: %s\n", buf);
		fflush(stderr);
		pthread_mutex_unlock(&log_stderr_lock);
	}
}

/* log_escaped_len - length of C once sanitized */
static size_t
log_escaped_len(unsigned char c)
{
	return (c > 0x20 && c < 0x7f && c != '\\') ? 1 : 4;
}

/* log_sanitize - printable copy of (SRC, LEN) in DST */
size_t
log_sanitize(char *dst, size_t dstlen, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 cap, i, o = 0, total = 0;

	if (dstlen == 0)
		return 0;
	cap = dstlen - 1 < AM_LOG_FIELD ? dstlen - 1 : AM_LOG_FIELD;
	for (i = 0; src != NULL && i < len && total <= cap; i++)
		total += log_escaped_len((unsigned char)src[i]);
	/* Leave room for "..." when the whole text does not fit. */
	if (total > cap)
		cap = cap >= 3 ? cap - 3 : 0;
	for (i = 0; src != NULL && i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (o + log_escaped_len(c) > cap)
			break;
		if (log_escaped_len(c) == 1) {
			dst[o++] = (char)c;
			continue;
		}
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 0xf];
	}
	if (total > o && i < len && dstlen - 1 >= o + 3) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return o;
}
