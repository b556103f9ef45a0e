#!/bin/sh
# sendmail-m4.sh - contrib/sendmail.mc builds a sendmail.cf with our milter
#
# Wraps contrib/sendmail.mc in a minimal Linux .mc, runs it through
# Sendmail's own m4 macros (Debian package sendmail-cf: m4 files only, no
# MTA, nothing started; the sendmail package itself conflicts with
# Postfix and is never installed) and checks the X (filter), InputMailFilters
# and Milter.macros lines of the result.  Installs m4 and sendmail-cf when
# missing (as root); skips (exit 77) when it cannot.
. "${top_srcdir:-.}/test/lib.sh"

CF_DIR=/usr/share/sendmail/cf
MC="$top_srcdir/contrib/sendmail.mc"
WANT='Xauthmilter, S=unix:/run/authmilter/authmilter.sock, F=T, T=S:10s;R:30s;E:5m;W:30s'

sm_skip() {
	echo "SKIP: $*"
	echo "sendmail-m4: 0 passed, 0 failed"
	exit 77
}

if [ ! -f "$CF_DIR/m4/cf.m4" ] || ! command -v m4 >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] || sm_skip "m4 or sendmail-cf missing, not root"
	command -v apt-get >/dev/null 2>&1 ||
		sm_skip "m4 or sendmail-cf missing, no apt-get"
	set -- -y -q -o DPkg::Lock::Timeout=120 install m4 sendmail-cf
	log=$(mktemp /tmp/am-sendmail-apt.XXXXXX) || exit 99
	DEBIAN_FRONTEND=noninteractive apt-get "$@" >"$log" 2>&1 ||
	{ apt-get -q -o DPkg::Lock::Timeout=120 update >/dev/null 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get "$@" >"$log" 2>&1; } || {
		echo "apt-get install m4 sendmail-cf failed:"; tail -20 "$log"
		rm -f "$log"; exit 99
	}
	rm -f "$log"
fi

T=$(mktemp -d /tmp/am-sendmail-m4.XXXXXX) || exit 99
trap '[ -n "${AM_KEEP:-}" ] || rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# A minimal .mc around the snippet, the way sendmail.mc users have it.
{
	echo "VERSIONID(\`authmilter sendmail-m4 test')dnl"
	echo "OSTYPE(\`linux')dnl"
	echo "DOMAIN(\`generic')dnl"
	cat "$MC"
	echo "MAILER(\`local')dnl"
	echo "MAILER(\`smtp')dnl"
} >"$T/test.mc"

m4 "$CF_DIR/m4/cf.m4" "$T/test.mc" >"$T/test.cf" 2>"$T/m4.err"
rc=$?
expect_rc "m4 builds a sendmail.cf" "$rc" 0
if [ -s "$T/m4.err" ]; then
	not_ok "m4 quiet (no warnings)" "$T/m4.err"
else
	ok "m4 quiet (no warnings)"
fi
expect_grep "a complete .cf (ruleset 0 and the smtp mailer)" '^Msmtp,' "$T/test.cf"

if grep -Fxq -- "$WANT" "$T/test.cf"; then
	ok "filter line: $WANT"
else
	grep '^X' "$T/test.cf" >"$T/test.cf.X"
	not_ok "filter line: $WANT (the X lines below)" "$T/test.cf.X"
fi
n=$(grep -c '^X' "$T/test.cf")
expect_rc "exactly one filter defined" "$n" 1
expect_grep "authmilter is an input filter" \
    '^O InputMailFilters=authmilter$' "$T/test.cf"
expect_grep "MAIL FROM macros carry {auth_authen} and i" \
    '^O Milter\.macros\.envfrom=i, .*\{auth_authen\}' "$T/test.cf"
expect_no_grep "no macro left unexpanded" \
    'INPUT_MAIL_FILTER|confMILTER|confINPUT' "$T/test.cf"

# The line README.md shows is the one contrib/sendmail.mc has.
readme=$(grep '^INPUT_MAIL_FILTER(' "$top_srcdir/README.md")
contrib=$(sed -n 's/^\(INPUT_MAIL_FILTER(.*)\)dnl$/\1/p' "$MC")
if [ -n "$readme" ] && [ "$readme" = "$contrib" ]; then
	ok "README.md shows contrib/sendmail.mc's INPUT_MAIL_FILTER line"
else
	not_ok "README.md ($readme) and contrib/sendmail.mc ($contrib) differ"
fi

echo "sendmail-m4: $am_passed passed, $am_failed failed"
[ "$am_failed" -eq 0 ]
