/*
 * version.c - versions for -V and the start-up log line
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libmilter/mfapi.h>
#include <opendkim/dkim.h>
#include <spf2/spf.h>
#include <unbound.h>

#include "version.h"

/* version_print - one line per component to FP */
void
version_print(FILE *fp)
{
	unsigned int	 mmaj = 0, mmin = 0, mpl = 0;
	int		 smaj = 0, smin = 0, spat = 0;
	uint32_t	 dk = dkim_libversion();

	smfi_version(&mmaj, &mmin, &mpl);
	SPF_get_lib_version(&smaj, &smin, &spat);
	fprintf(fp, "authmilter %s\n", PACKAGE_VERSION);
	fprintf(fp, "libmilter %u.%u.%u\n", mmaj, mmin, mpl);
	fprintf(fp, "libunbound %s\n", ub_version());
	fprintf(fp, "libopendkim %u.%u.%u\n", (unsigned)(dk >> 24),
	    (unsigned)((dk >> 16) & 0xff), (unsigned)((dk >> 8) & 0xff));
	fprintf(fp, "libspf2 %d.%d.%d\n", smaj, smin, spat);
	fprintf(fp, "libopendmarc %s (build time)\n", OPENDMARC_BUILD_VERSION);
}
