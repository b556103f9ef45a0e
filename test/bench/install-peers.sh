#!/bin/sh
#
# install-peers.sh - install the benchmark's peers without running them
#
# Usage (as root, Debian 12)
#   sh test/bench/install-peers.sh
#
# Installs Debian's opendkim, opendmarc and unbound (the peer chain and
# the caching resolver it resolves through) for test/bench/bench.sh, and
# leaves the machine as it was otherwise: no daemon is started by the
# packages' maintainer scripts (a policy-rc.d that says "no" is put in
# place for the duration of apt-get, unless one is already there), the
# system services (opendkim, opendmarc, unbound, and unbound-resolvconf,
# which would point resolvconf at unbound) are disabled, and any daemon
# of theirs that is running anyway is stopped.  opendmarc's optional
# database (dbconfig) is declined.  The packages' own configuration files
# (/etc/opendkim.conf, /etc/opendmarc.conf, /etc/unbound/) are not
# touched: the benchmark writes its own under its temporary directory.
# Also installs valgrind (instruction counts), linux-perf (profiles) and
# postfix ("No configuration": the benchmark runs a private instance).

set -eu

[ "$(id -u)" -eq 0 ] || { echo "install-peers.sh: run as root" >&2; exit 1; }

pkgs="opendkim opendmarc unbound publicsuffix valgrind linux-perf postfix"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-peers.sh: already installed:$(printf ' %s' $pkgs)"
else
	# opendmarc: no database (its history file feature is not used);
	# postfix: "No configuration", so no system instance is set up
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections 2>/dev/null || true
	echo "opendmarc opendmarc/dbconfig-install boolean false" |
	    debconf-set-selections 2>/dev/null || true
	ours=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\n# install-peers.sh: start no service\nexit 101\n' \
		    >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		ours=yes
	fi
	rc=0
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $missing || rc=$?
	[ -z "$ours" ] || rm -f /usr/sbin/policy-rc.d
	[ $rc -eq 0 ] || exit $rc
fi

# Not enabled at boot, not running now.
for s in opendkim opendmarc unbound unbound-resolvconf; do
	if command -v systemctl >/dev/null 2>&1; then
		systemctl disable "$s" >/dev/null 2>&1 || true
		systemctl stop "$s" >/dev/null 2>&1 || true
	fi
done
for f in /run/opendkim/opendkim.pid /run/opendmarc/opendmarc.pid \
    /run/unbound.pid; do
	[ -s "$f" ] || continue
	pid=$(cat "$f")
	case $(cat "/proc/$pid/comm" 2>/dev/null) in
	opendkim|opendmarc|unbound)
		echo "install-peers.sh: stopping system $(cat "/proc/$pid/comm") ($pid)"
		kill "$pid" ;;
	esac
done
echo "install-peers.sh: done; the system services are disabled and stopped"
