/*
 * conn.c - connection and message state (see conn.h)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conn.h"

static int conn_active;		/* sessions open now (atomic) */

/* conn_new - a session under config C */
struct conn *
conn_new(struct config *c)
{
	struct conn *cn;

	if ((cn = calloc(1, sizeof *cn)) == NULL)
		return NULL;
	cn->cfg = config_ref(c);
	__atomic_add_fetch(&conn_active, 1, __ATOMIC_RELAXED);
	return cn;
}

/* conn_free - end the session */
void
conn_free(struct conn *cn)
{
	if (cn == NULL)
		return;
	conn_msg_end(cn);
	config_unref(cn->cfg);
	free(cn);
	__atomic_sub_fetch(&conn_active, 1, __ATOMIC_RELAXED);
}

/* conn_count - sessions open now */
int
conn_count(void)
{
	return __atomic_load_n(&conn_active, __ATOMIC_RELAXED);
}

/* conn_msg_begin - start a new message */
struct msg *
conn_msg_begin(struct conn *cn)
{
	conn_msg_end(cn);
	if ((cn->msg = calloc(1, sizeof *cn->msg)) == NULL)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &cn->msg->start);
	dns_budget_start(&cn->msg->budget, cn->cfg->dns_budget_ms);
	cn->msg->action = "accept";
	return cn->msg;
}

/* conn_msg_end - release the current message */
void
conn_msg_end(struct conn *cn)
{
	if (cn == NULL || cn->msg == NULL)
		return;
	spf_abandon(cn->msg->spf_job);
	dkimv_free(cn->msg->dkim);
	free(cn->msg->ar_ours);
	free(cn->msg);
	cn->msg = NULL;
}

/* msg_ar_note - remember Authentication-Results number IDX as ours */
void
msg_ar_note(struct msg *m, unsigned idx)
{
	unsigned	*v;
	size_t		 cap;

	if (m->n_ar_ours == m->cap_ar_ours) {
		if (m->cap_ar_ours >= AM_MAX_AR_HEADERS) {
			m->ar_overflow = true;
			return;
		}
		cap = m->cap_ar_ours == 0 ? 4 : m->cap_ar_ours * 2;
		if ((v = reallocarray(m->ar_ours, cap, sizeof *v)) == NULL) {
			m->ar_overflow = true;
			return;
		}
		m->ar_ours = v;
		m->cap_ar_ours = cap;
	}
	m->ar_ours[m->n_ar_ours++] = idx;
}

/* msg_elapsed_ms - milliseconds since the message began */
unsigned
msg_elapsed_ms(const struct msg *m)
{
	struct timespec	 now;
	long long	 ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - m->start.tv_sec) * 1000 +
	    (now.tv_nsec - m->start.tv_nsec) / 1000000;
	return ms > 0 ? (unsigned)ms : 0;
}

/* copy_domain - the domain part of an address, lower-cased */
void
copy_domain(char *dst, size_t dstlen, const char *addr)
{
	const char	*at;
	size_t		 i;

	if (dstlen == 0)
		return;
	dst[0] = '\0';
	if (addr == NULL || (at = strrchr(addr, '@')) == NULL)
		return;
	for (i = 0; at[1 + i] != '\0' && i + 1 < dstlen; i++)
		dst[i] = (char)tolower((unsigned char)at[1 + i]);
	dst[i] = '\0';
}
