#!/bin/sh
#
# dns.sh - the DNS module's tests against the local DNS fixture
#
# Starts test/dns/fixture.sh on a free-looking pair of loopback ports,
# runs test/test_dns with the fixture's configuration, stops the fixture
# on exit (failure included) and exits with test_dns's status.  Needs
# top_srcdir and top_builddir (make check sets them).

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
fixture="$top_srcdir/test/dns/fixture.sh"
test_dns="$top_builddir/test/test_dns"
export top_builddir

dir=$(mktemp -d "${TMPDIR:-/tmp}/am-dns.XXXXXX") || exit 99
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	"$fixture" stop "$dir/fixture"
	[ -n "${AM_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A port pair from our pid; on a clash (the fixture fails to bind) the
# next pair.  Ports 5300-6299, clear of lib.sh's 20000 and up.
started=no
for try in 0 1 2 3 4; do
	port=$((5300 + (($$ + try * 97) % 500) * 2))
	rm -rf "$dir/fixture"
	if "$fixture" start "$dir/fixture" "$port" 2>"$dir/fixture.log"; then
		started=yes
		break
	fi
done
cat "$dir/fixture.log"
if [ $started != yes ]; then
	echo "dns.sh: the DNS fixture did not start"
	exit 99
fi

"$test_dns" "$dir/fixture/authmilter-dns.conf"
exit $?
