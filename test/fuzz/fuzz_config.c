/*
 * fuzz_config.c - libFuzzer target for milter/config.c
 *
 * Input: the bytes of a configuration file.  They are written to a memfd
 * (nothing touches the disk) and loaded with config_load() through
 * /proc/self/fd/N, with a report function that counts and checks the
 * messages.  What must hold:
 *   - config_load returns NULL exactly when something was reported;
 *   - every message is printable, names the file, and fits its buffer;
 *   - a loaded config has every value within the range its key allows
 *     (the table's min/max, an authserv-id that is an RFC 2045 token,
 *     CIDRs without host bits...), compares equal to itself and to a
 *     second load of the same file (config_dns_equal), and is freed by
 *     config_unref without a leak (LeakSanitizer is on);
 *   - InternalHosts holds exactly what cidr_parse() makes of each token
 *     of the file's InternalHosts lines, read here independently.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* memfd_create */
#endif
#include <sys/mman.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "caps.h"
#include "config.h"
#include "fuzz.h"

/* config.c's MSGLEN: one whole report line */
#define MSGLEN	1024

static int	 fd = -1;
static char	 path[64];

/* report - count one message and check it */
static void
report(void *arg, const char *msg)
{
	size_t n = strnlen(msg, MSGLEN), i;

	(*(unsigned *)arg)++;
	FUZZ_ASSERT(n < MSGLEN);
	FUZZ_ASSERT(strncmp(msg, path, strlen(path)) == 0);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(isprint((unsigned char)msg[i]));
}

/* token_ok - an RFC 2045 token of 1..AM_MAX_AUTHSERV_ID characters */
static bool
token_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > AM_MAX_AUTHSERV_ID)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 127 ||
		    strchr("()<>@,;:\\\"/[]?=", s[i]) != NULL)
			return false;
	return true;
}

/* check_cidrs - every entry well formed, host bits clear */
static void
check_cidrs(const struct cidr_list *l)
{
	const struct cidr *c;
	unsigned bits, i;
	size_t k;

	FUZZ_ASSERT(l->n == 0 || l->v != NULL);
	for (k = 0; k < l->n; k++) {
		c = &l->v[k];
		FUZZ_ASSERT(c->family == AF_INET || c->family == AF_INET6);
		bits = c->family == AF_INET ? 32 : 128;
		FUZZ_ASSERT(c->prefix <= bits);
		for (i = c->prefix; i < 128; i++)
			FUZZ_ASSERT(!(c->addr[i / 8] & (0x80 >> (i % 8))));
		/* The network itself is in the list. */
		FUZZ_ASSERT(cidr_list_match(l, c->family, c->addr));
	}
}

/* check_lines - a line list: no blanks but single spaces inside */
static void
check_lines(const struct str_list *l)
{
	size_t k;

	FUZZ_ASSERT(l->n == 0 || l->v != NULL);
	for (k = 0; k < l->n; k++) {
		FUZZ_ASSERT(l->v[k] != NULL && l->v[k][0] != ' ');
		FUZZ_ASSERT(strpbrk(l->v[k], "\t\r\n") == NULL);
		FUZZ_ASSERT(strstr(l->v[k], "  ") == NULL);
	}
}

/*
 * check_internal - InternalHosts is cidr_parse() of every token of the
 * InternalHosts lines of (DATA, SIZE), in order ("none" adds nothing)
 */
static void
check_internal(const struct cidr_list *l, const uint8_t *data, size_t size)
{
	const char *blanks = " \t\r\n";
	char *text, *line, *save, *key, *tok, *save2;
	struct cidr c;
	size_t k = 0;

	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		key = strtok_r(line, blanks, &save2);
		if (key == NULL || strcasecmp(key, "InternalHosts") != 0)
			continue;
		while ((tok = strtok_r(NULL, ", \t\r\n", &save2)) != NULL) {
			if (strcasecmp(tok, "none") == 0)
				continue;
#ifdef FUZZ_EXPLORE
			/* -DFUZZ_EXPLORE: past the known finding (README) */
			if (strlen(tok) >= 46 + 8)
				goto out;
#endif
			FUZZ_ASSERT(cidr_parse(tok, &c));
			FUZZ_ASSERT(k < l->n);
			FUZZ_ASSERT(memcmp(&c, &l->v[k], sizeof(c)) == 0);
			k++;
		}
	}
	/* Without any line, the default list. */
	FUZZ_ASSERT(k == l->n || k == 0);
#ifdef FUZZ_EXPLORE
out:
#endif
	free(text);
}

/* check_config - a loaded config holds only values its keys allow */
static void
check_config(const struct config *c)
{
	FUZZ_ASSERT(c->refs == 1);
	FUZZ_ASSERT(c->path != NULL && strcmp(c->path, path) == 0);
	FUZZ_ASSERT(c->socket != NULL && c->socket[0] != '\0');
	FUZZ_ASSERT(strncasecmp(c->socket, "unix:/", 6) == 0 ||
	    strncasecmp(c->socket, "local:/", 7) == 0 ||
	    strncasecmp(c->socket, "inet:", 5) == 0 ||
	    strncasecmp(c->socket, "inet6:", 6) == 0);
	FUZZ_ASSERT(c->socket_mode <= 0777);
	FUZZ_ASSERT(c->socket_group != NULL);
	FUZZ_ASSERT(c->user != NULL && c->user[0] != '\0' &&
	    strcmp(c->user, "root") != 0);
	FUZZ_ASSERT(c->pidfile != NULL &&
	    (c->pidfile[0] == '\0' || c->pidfile[0] == '/'));
	FUZZ_ASSERT(c->authserv_id != NULL && token_ok(c->authserv_id));
	check_cidrs(&c->internal_hosts);
	check_lines(&c->dns_forwarders);
	check_lines(&c->dns_stub_zones);
	check_lines(&c->dns_trust_anchors);
	FUZZ_ASSERT(c->dns_trust_anchor_file != NULL &&
	    (c->dns_trust_anchor_file[0] == '\0' ||
	    c->dns_trust_anchor_file[0] == '/'));
	FUZZ_ASSERT(c->dns_timeout_ms >= 100 && c->dns_timeout_ms <= 60000);
	FUZZ_ASSERT(c->dns_budget_ms >= 100 && c->dns_budget_ms <= 300000);
	FUZZ_ASSERT(c->spf_temperror_action == TEMPERROR_ACCEPT ||
	    c->spf_temperror_action == TEMPERROR_TEMPFAIL);
	FUZZ_ASSERT(c->log_level >= LOG_ERR && c->log_level <= LOG_DEBUG);
	FUZZ_ASSERT(c->syslog_facility == LOG_MAIL ||
	    c->syslog_facility == LOG_DAEMON ||
	    c->syslog_facility == LOG_USER ||
	    (c->syslog_facility >= LOG_LOCAL0 &&
	    c->syslog_facility <= LOG_LOCAL7));
	FUZZ_ASSERT(config_dns_equal(c, c));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = memfd_create("fuzz_config", 0)) < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c, *again;
	unsigned n = 0, n2 = 0;

	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	c = config_load(path, report, &n);
	FUZZ_ASSERT((c == NULL) == (n > 0));
	if (c == NULL)
		return 0;
	check_config(c);
	check_internal(&c->internal_hosts, data, size);
	/* A second load of the same file is the same config. */
	again = config_load(path, report, &n2);
	FUZZ_ASSERT(again != NULL && n2 == 0);
	FUZZ_ASSERT(config_dns_equal(c, again));
	FUZZ_ASSERT(strcmp(c->authserv_id, again->authserv_id) == 0);
	config_unref(again);
	/* References: the config lives until the last one goes. */
	FUZZ_ASSERT(config_ref(c) == c && c->refs == 2);
	config_unref(c);
	FUZZ_ASSERT(c->refs == 1);
	config_unref(c);
	return 0;
}
