#!/bin/sh
# docs.sh - every configuration key is documented, and only those
#
# The key names come from the table in milter/config.c, as printed by
# "test_config --keys".  Each key must appear exactly once in
# conf/authmilter.conf, as a line "Key value" or "# Key value", and exactly
# once as an item of the KEYS section of milter/authmilter.conf.5 (a ".TP"
# line followed by ".B Key" or ".BR Key ..."); every such item must be a
# key of the table.  Finally the sample file with every "# Key" line
# enabled must load, with the defaults it shows (test_config --conf).
#
# Run by "make check" with top_srcdir and top_builddir set; both default
# to the current directory.

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
conf=$top_srcdir/conf/authmilter.conf
man=$top_srcdir/milter/authmilter.conf.5
tc=$top_builddir/test/test_config

passed=0
failed=0
tmp=${TMPDIR:-/tmp}/docs.$$
trap 'rm -f "$tmp.sed" "$tmp.conf" "$tmp.out"' 0
trap 'exit 1' 1 2 15

# ok, fail - count one check
ok() {
	passed=$((passed + 1))
}
fail() {
	failed=$((failed + 1))
	echo "FAIL docs: $*"
}

for f in "$conf" "$man"; do
	if [ ! -r "$f" ]; then
		echo "docs: cannot read $f"
		exit 99
	fi
done
if ! keys=$("$tc" --keys) || [ -z "$keys" ]; then
	echo "docs: cannot list the keys with $tc --keys"
	exit 99
fi

# The items of the KEYS section of the man page.
man_keys=$(awk '
	/^\.SH/ { inkeys = ($2 == "KEYS") }
	inkeys && prev ~ /^\.TP[ \t]*$/ && ($1 == ".B" || $1 == ".BR") {
		print $2
	}
	{ prev = $0 }' "$man")

: >"$tmp.sed"
for key in $keys; do
	n=$(grep -c -E "^(# )?$key( |\$)" "$conf")
	if [ "$n" -eq 1 ]; then
		ok
	else
		fail "$key: $n lines \"[# ]$key ...\" in $conf (want 1)"
	fi
	n=$(printf '%s\n' "$man_keys" | grep -c -x "$key")
	if [ "$n" -eq 1 ]; then
		ok
	else
		fail "$key: $n items in the KEYS section of $man (want 1)"
	fi
	printf 's/^# \\(%s\\)$/\\1/\ns/^# \\(%s \\)/\\1/\n' "$key" "$key" \
	    >>"$tmp.sed"
done

for key in $man_keys; do
	if printf '%s\n' "$keys" | grep -q -x "$key"; then
		ok
	else
		fail "$key: documented in $man but not a key of milter/config.c"
	fi
done

# The sample with every default and example enabled must be valid.
sed -f "$tmp.sed" "$conf" >"$tmp.conf"
if "$tc" --conf "$tmp.conf" >"$tmp.out" 2>&1; then
	ok
else
	fail "$conf with every \"# Key\" line enabled:"
	sed 's/^/    /' "$tmp.out"
fi

echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
