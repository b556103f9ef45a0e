#!/bin/sh
# run-fuzz.sh - build the libFuzzer targets of test/fuzz and run each one
#
# Usage: run-fuzz.sh [SECONDS]
#
# For each target: replay every input of regressions/TARGET/ (each must
# run clean), then fuzz for SECONDS (default 60) on a fresh copy of
# corpus/TARGET/ (the source tree's corpus is never written to).  Targets
# run FUZZ_JOBS at a time (default 2, one per core), so a full run takes
# about ceil(4 / FUZZ_JOBS) * SECONDS plus the build.  A finding prints
# the sanitizer's report and the input as a hexdump; its input is kept in
# $FUZZ_BUILD/artifacts/TARGET/.  The last line is
# "fuzz: N passed, M failed"; the exit status is 1 when a target failed,
# 77 when clang or its fuzzer runtime is missing, 2 on a usage error.
#
# Environment:
#   FUZZ_BUILD   build directory (default: test/fuzz/build under the
#                current directory, i.e. under the build tree with make)
#   FUZZ_CC      the compiler (default: clang)
#   FUZZ_CFLAGS  extra flags, e.g. -DFUZZ_EXPLORE to leave out the checks
#                of findings already reported (see README.md)
#   FUZZ_JOBS    targets run at once (default 2)
#   FUZZ_TARGETS the targets to run (default: all four)
set -u

seconds=${1:-60}
case $seconds in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd) || exit 2
top=$(cd "$here/../.." && pwd) || exit 2
build=${FUZZ_BUILD:-test/fuzz/build}
cc=${FUZZ_CC:-clang}
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-"fuzz_authres fuzz_spf_grammar fuzz_config fuzz_dns_answer"}

cflags="-g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-I$top/milter -I$here ${FUZZ_CFLAGS:-}"

# LeakSanitizer is on (the default with ASan on Linux); every finding
# stops the run.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd) || exit 1

# ------------------------------------------------------------ toolchain
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found; install clang (and libclang-rt-dev)" >&2
	echo "fuzz: 0 passed, 0 failed"
	exit 77
fi
cat > "$build/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{ (void)d; (void)n; return 0; }
EOF
if ! $cc -fsanitize=fuzzer,address,undefined -o "$build/probe" \
    "$build/probe.c" >"$build/probe.log" 2>&1; then
	echo "fuzz: $cc cannot link -fsanitize=fuzzer,address,undefined" \
	    "(the libFuzzer runtime, libclang-rt-dev, is missing?)" >&2
	sed 's/^/  /' "$build/probe.log" >&2
	echo "fuzz: 0 passed, 0 failed"
	exit 77
fi

# sources - what each target links (milter/ files compiled in directly)
sources() {
	case $1 in
	fuzz_authres)
		echo "$here/fuzz_authres.c $top/milter/authres.c" ;;
	fuzz_spf_grammar)
		echo "$here/fuzz_spf_grammar.c $top/milter/spf_grammar.c" \
		    "$top/milter/spf_prepare.c" ;;
	fuzz_config)
		echo "$here/fuzz_config.c $top/milter/config.c -lpthread" ;;
	fuzz_dns_answer)
		# includes milter/dns.c and milter/spf.c itself
		echo "$here/fuzz_dns_answer.c $top/milter/authres.c" \
		    "$top/milter/log.c $top/milter/spf_grammar.c" \
		    "$top/milter/spf_prepare.c -lspf2 -lunbound -lpthread" ;;
	*)
		return 1 ;;
	esac
}

# hexdump - FILE for a person: offsets, hex and text, at most 64 lines
hexdump() {
	if od -A x -t x1z /dev/null >/dev/null 2>&1; then
		od -A x -t x1z -v "$1" | sed -n '1,64p'	# GNU od
	else
		od -A x -t x1 -v "$1" | sed -n '1,64p'	# POSIX od
	fi
	[ "$(wc -c < "$1")" -gt 1024 ] &&
	    echo "  ... ($(wc -c < "$1") bytes in all)"
	return 0
}

# report - a failure of target T: the end of its log, the input
report() {
	t=$1 log=$2 input=$3
	echo "---- $t: FAILED"
	# the sanitizer's or the assertion's report, not libFuzzer's chatter
	grep -v -e '^#[0-9]' -e '^INFO:' -e '^MS:' -e '^[[:space:]]*$' \
	    -e 'Uses:' -e ' in fuzzer::' -e ' in __libc_start' -e ' in _start' \
	    -e ' in main ' -e 'rudimentary signal' -e 'Combine libFuzzer' \
	    "$log" | sed -n '1,60p'
	if [ -n "$input" ] && [ -f "$input" ]; then
		echo "---- $t: crashing input $input:"
		hexdump "$input"
	fi
}

# run_target - build, replay and fuzz T; writes $build/T.result
run_target() {
	t=$1
	bin=$build/$t
	art=$build/artifacts/$t
	corp=$build/corpus/$t
	log=$build/$t.log
	rm -f "$build/$t.result"
	# word splitting of the flags and the source list is wanted
	# shellcheck disable=SC2046,SC2086
	if ! $cc $cflags -o "$bin" $(sources "$t") >"$build/$t.build.log" 2>&1
	then
		{ echo "---- $t: FAILED to build"; cat "$build/$t.build.log"
		} > "$build/$t.out"
		echo fail > "$build/$t.result"
		return
	fi
	rm -rf "$art"
	mkdir -p "$art"
	: > "$build/$t.out"
	# Known findings first: each regression input must now run clean.
	if [ -d "$here/regressions/$t" ]; then
		for f in "$here/regressions/$t"/*; do
			[ -f "$f" ] || continue
			if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$f" \
			    >"$log" 2>&1; then
				report "$t" "$log" "$f" >> "$build/$t.out"
				echo fail > "$build/$t.result"
				return
			fi
		done
	fi
	rm -rf "$corp"
	mkdir -p "$corp"
	cp "$here/corpus/$t"/* "$corp"/ 2>/dev/null
	if "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$art/" "$corp" >"$log" 2>&1; then
		echo "---- $t: ok, $(grep -o 'stat::number_of_executed_units: [0-9]*' \
		    "$log" | sed 's/.*: //') runs in ${seconds}s" \
		    >> "$build/$t.out"
		echo pass > "$build/$t.result"
	else
		# the input libFuzzer wrote last (crash-, leak-, timeout-, oom-)
		# shellcheck disable=SC2012	# names are libFuzzer's hex
		input=$(ls -t "$art"/* 2>/dev/null | sed -n 1p)
		report "$t" "$log" "$input" >> "$build/$t.out"
		echo fail > "$build/$t.result"
	fi
}

passed=0
failed=0
batch=
n=0
finish_batch() {
	wait
	for b in $batch; do
		cat "$build/$b.out" 2>/dev/null
		if [ "$(cat "$build/$b.result" 2>/dev/null)" = pass ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
		fi
	done
	batch=
	n=0
}

echo "fuzz: $targets: ${seconds}s each, $jobs at a time, in $build"
for t in $targets; do
	if ! sources "$t" >/dev/null; then
		echo "fuzz: unknown target $t" >&2
		failed=$((failed + 1))
		continue
	fi
	run_target "$t" &
	batch="$batch $t"
	n=$((n + 1))
	[ "$n" -ge "$jobs" ] && finish_batch
done
finish_batch

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
