/*
 * nullmilter.c - a do-nothing libmilter milter: the baseline for what
 * Postfix pays to call any milter at all
 *
 * usage: nullmilter [-d] -s SOCKET
 *
 * SOCKET is in libmilter's form: unix:/path or inet:PORT@127.0.0.1.  A
 * stale unix socket is removed.  With all callbacks NULL, libmilter
 * negotiates away every stage it can, as a minimal milter does; -d adds
 * DATA and end-of-message callbacks that answer SMFIS_CONTINUE (a
 * do-nothing milter that answers the DATA stage), for comparison.  Runs
 * in the foreground until SIGTERM (or SIGINT, SIGHUP), which libmilter
 * handles.  Exit 0 after a signal, 1 on a libmilter error, 2 on usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

/* null_data - the DATA command: carry on */
static sfsistat
null_data(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* null_eom - the end of the message: carry on, change nothing */
static sfsistat
null_eom(SMFICTX *ctx)
{
	(void)ctx;
	return SMFIS_CONTINUE;
}

/* usage - print the synopsis and exit 2 */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: nullmilter [-d] -s SOCKET\n"
	    "SOCKET is unix:/path or inet:PORT@HOST\n");
	exit(2);
}

/* main - register the milter, open its socket, serve until a signal */
int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "nullmilter",
		.xxfi_version = SMFI_VERSION,
		.xxfi_flags = 0,
	};
	char *sock = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "ds:")) != -1) {
		switch (ch) {
		case 'd':
			desc.xxfi_data = null_data;
			desc.xxfi_eom = null_eom;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();
	if (smfi_register(desc) == MI_FAILURE) {
		fprintf(stderr, "nullmilter: smfi_register failed\n");
		return 1;
	}
	if (smfi_setconn(sock) == MI_FAILURE) {
		fprintf(stderr, "nullmilter: smfi_setconn %s failed\n", sock);
		return 1;
	}
	if (smfi_opensocket(true) == MI_FAILURE) {
		fprintf(stderr, "nullmilter: cannot open %s\n", sock);
		return 1;
	}
	if (smfi_main() == MI_FAILURE) {
		fprintf(stderr, "nullmilter: smfi_main failed\n");
		return 1;
	}
	return 0;
}
