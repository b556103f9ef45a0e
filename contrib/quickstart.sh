#!/bin/sh
# quickstart.sh - the README's two commands, for a fresh Debian 12 machine,
# run as root from the top of the source tree.
#
#   contrib/quickstart.sh run    install build dependencies, build, start
#                                authmilter in the foreground with
#                                conf/authmilter.conf on its default socket
#   contrib/quickstart.sh test   install test dependencies, build with
#                                -Werror, run the whole test suite
set -eu

BUILD_DEPS="build-essential autoconf automake pkg-config libmilter-dev
	libunbound-dev libopendkim-dev libspf2-dev libopendmarc-dev libssl-dev
	dns-root-data publicsuffix"
TEST_DEPS="nsd ldnsutils opendkim-tools python3 python3-yaml postfix swaks m4
	sendmail-cf clang libclang-rt-14-dev valgrind"

# apt_install PACKAGES - install what is missing, quietly
apt_install() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "quickstart: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Postfix for the tests only: no system instance is configured.
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# build [CONFIGURE ARGS] - configure and make in the source tree
build() {
	[ -x configure ] || autoreconf -fi
	[ -f Makefile ] && [ config.status -nt configure ] ||
	    ./configure --sysconfdir=/etc "$@"
	make -j"$(nproc)"
}

# ensure_user - the account authmilter runs as
ensure_user() {
	id -u authmilter >/dev/null 2>&1 ||
	    useradd --system --no-create-home --home-dir /nonexistent \
	        --shell /usr/sbin/nologin authmilter
	# Postfix connects to the socket as postfix: give it the group.
	if id -u postfix >/dev/null 2>&1; then
		usermod -a -G authmilter postfix
	fi
}

cd "$(dirname "$0")/.."
case "${1:-}" in
run)
	# shellcheck disable=SC2086
	apt_install $BUILD_DEPS
	build
	ensure_user
	milter/authmilter -n -c conf/authmilter.conf
	sock=$(sed -n 's/^Socket[[:space:]]\{1,\}//p' conf/authmilter.conf)
	sock=${sock:-unix:/run/authmilter/authmilter.sock}
	echo
	echo "Add this line to /etc/postfix/main.cf, then run 'postfix reload':"
	echo "    smtpd_milters = $sock"
	echo "(see contrib/postfix-main.cf for the other milter settings)"
	echo
	exec milter/authmilter -f -c conf/authmilter.conf
	;;
test)
	# shellcheck disable=SC2086
	apt_install $BUILD_DEPS $TEST_DEPS
	build --enable-werror
	make check || { test/summary.sh; exit 1; }
	# Every parser under libFuzzer for a bounded time, regressions first.
	make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
	# The end-to-end tests again with the daemon under valgrind memcheck.
	make memcheck
	# The release tarball must build, pass the whole suite again under
	# AddressSanitizer and UndefinedBehaviorSanitizer, and install cleanly.
	if ! make distcheck DISTCHECK_CONFIGURE_FLAGS="--enable-werror \
	    --enable-sanitizers" >distcheck.log 2>&1; then
		grep -E "^(PASS|FAIL|ERROR)" distcheck.log
		find authmilter-*/_build -name '*.log' -path '*test*' \
		    -exec grep -l "FAIL" {} + 2>/dev/null | xargs -r cat
		tail -30 distcheck.log
		echo "make distcheck (sanitizers) failed"
		exit 1
	fi
	grep -E "^(PASS|FAIL|ERROR)" distcheck.log | sed 's/^/sanitizers: /'
	echo "make distcheck: ok"
	# The benchmark's quick mode (about three minutes), so that it
	# cannot rot: it prints its tables and asserts nothing, but fails
	# when a step or a session fails.
	sh test/bench/install-peers.sh >bench-peers.log 2>&1 ||
		{ tail -20 bench-peers.log; echo "install-peers.sh failed"; exit 1; }
	make bench BENCH_FLAGS=--quick >bench-quick.log 2>&1 ||
		{ tail -40 bench-quick.log; echo "make bench (quick) failed"; exit 1; }
	sed -n '/^Table 1/,$p' bench-quick.log | head -60
	echo "make bench (quick): ok"
	test/summary.sh
	;;
*)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac
