/*
 * latdump.c - per-session records out of test/amclient, for the benchmark
 *
 * bench.sh links test/amclient.c and test/amclient_cli.c, unchanged, with
 * this file and -Wl,--wrap=amc_summary: amclient's call to amc_summary
 * (made once, after every session has been joined, with -q or -n > 1)
 * lands here first.  When AMCLIENT_RECORDS names a file, one line per
 * session is written to it:
 *
 *	SESSION <tab> MESSAGE-FILE <tab> FAILED <tab> RESULT <tab>
 *	    SESSION-MS <tab> EOM-MS
 *
 * SESSION counts from 1 and session N sends message (N - 1) % NMSG, as
 * amclient does; SESSION-MS is connect to verdict, EOM-MS end of body to
 * verdict (-1 when the session never got there).  Then amclient's own
 * summary is printed as usual.  This is what lets the benchmark pair the
 * two legs of the OpenDKIM -> OpenDMARC chain message by message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "amclient.h"

void	__real_amc_summary(const struct amc_opts *,
	    const struct amc_record *, double);
void	__wrap_amc_summary(const struct amc_opts *,
	    const struct amc_record *, double);

void
__wrap_amc_summary(const struct amc_opts *o, const struct amc_record *rec,
    double elapsed)
{
	const char *path = getenv("AMCLIENT_RECORDS");
	unsigned long i;
	FILE *f;

	if (path != NULL && *path != '\0') {
		if ((f = fopen(path, "w")) == NULL) {
			perror(path);
			exit(1);
		}
		for (i = 0; i < o->total; i++)
			fprintf(f, "%lu\t%s\t%d\t%s\t%.3f\t%.3f\n", i + 1,
			    o->msg[i % o->nmsg].path, rec[i].failed,
			    amc_result_names[rec[i].result], rec[i].lat_ms,
			    rec[i].eom_ms);
		if (fclose(f) != 0) {
			perror(path);
			exit(1);
		}
	}
	__real_amc_summary(o, rec, elapsed);
}
