#!/bin/sh
# Builds gloss's libFuzzer targets with clang and runs each for a while:
# what `make fuzz` and `make fuzz-build` call (see tests/fuzz/README).
#
#   fuzz.sh build|run SRCDIR CPPFLAG... -- LIB... -- SOURCE...
#
# CPPFLAGs and LIBs are the build's own (Makefile.am passes AM_CPPFLAGS and
# GLOSS_LIBS; src/libgloss.a is left out: the library is compiled again
# here).  SOURCEs are the library's sources as Makefile.am lists them
# (headers are skipped; a file not under SRCDIR is looked for in the build
# directory, for generated ones).  From the environment: FUZZ_CC (clang),
# FUZZ_TARGETS (which ones), FUZZ_SECONDS (per target, default 60),
# FUZZ_JOBS (targets run at once, default 1), FUZZ_FLAGS (more libFuzzer
# flags).  Everything goes to tests/fuzz/ in the build directory: build/
# (objects, programs), work/TARGET/ (inputs libFuzzer found; the seeds in
# SRCDIR/tests/fuzz/corpus/TARGET are only read), crashes/ (what failed),
# TARGET.log and TARGET.summary.
set -u
mode=$1 srcdir=$2
shift 2
: "${FUZZ_CC:=clang}" "${FUZZ_SECONDS:=60}" "${FUZZ_JOBS:=1}" "${FUZZ_FLAGS:=}"
: "${FUZZ_TARGETS:=fuzz-load fuzz-markdown fuzz-layout fuzz-safe fuzz-anchor fuzz-import fuzz-html}"
out=tests/fuzz
build=$out/build
mkdir -p "$build/obj" "$out/crashes"

# The three lists, one word a line (a flag may hold quotes or spaces:
# -DGLOSS_DATADIR="/usr/share/gloss"), expanded below with IFS=newline.
nl='
'
cppflags= libs= sources= part=cpp
for w in "$@"; do
	if [ "$w" = -- ]; then
		[ "$part" = cpp ] && part=libs || part=sources
		continue
	fi
	case $part in
	cpp) cppflags="$cppflags$w$nl" ;;
	libs) case $w in */libgloss.a) ;; *) libs="$libs$w$nl" ;; esac ;;
	sources) case $w in *.c) sources="$sources$w$nl" ;; esac ;;
	esac
done

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: $FUZZ_CC not found: apt-get install clang libclang-rt-14-dev (or make fuzz FUZZ_CC=clang-NN)" >&2
	exit 1
fi
# Coverage for libFuzzer, and the same sanitizers as the sanitizer build.
cflags="-g$nl-O1$nl-std=c11$nl-fno-omit-frame-pointer$nl-fsanitize=fuzzer-no-link,address,undefined$nl-fno-sanitize-recover=undefined$nl"
IFS=$nl

# The library, compiled again with clang's instrumentation.  An object is
# rebuilt when its source, or any header of the project, is newer.
newest_header=$(ls -t "$srcdir"/include/gloss/*.h "$srcdir"/src/*.h "$srcdir"/src/gen/*.h config.h 2>/dev/null | head -1)
objs=
for src in $sources; do
	if [ -f "$srcdir/$src" ]; then path=$srcdir/$src; else path=$src; fi
	obj=$build/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs$obj$nl"
	if [ ! -f "$obj" ] || [ "$path" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
		echo "  CC (fuzz) $src"
		# shellcheck disable=SC2086
		$FUZZ_CC $cflags $cppflags -c "$path" -o "$obj" || exit 1
	fi
done
rm -f "$build/libgloss-fuzz.a"
# shellcheck disable=SC2086
ar cr "$build/libgloss-fuzz.a" $objs || exit 1

IFS=" $nl"
for t in $FUZZ_TARGETS; do
	echo "  CCLD (fuzz) $t"
	IFS=$nl
	# shellcheck disable=SC2086
	$FUZZ_CC $cflags -fsanitize=fuzzer $cppflags -I"$srcdir/tests/fuzz" \
		"$srcdir/tests/fuzz/$t.c" "$build/libgloss-fuzz.a" $libs -o "$build/$t" || exit 1
	IFS=" $nl"
done
[ "$mode" = build ] && exit 0

# Run: each target for FUZZ_SECONDS, FUZZ_JOBS at a time.
run_one() {
	t=$1
	mkdir -p "$out/work/$t"
	log=$out/$t.log
	seeds=$srcdir/tests/fuzz/corpus/$t
	[ -d "$seeds" ] || seeds=
	dict=$srcdir/tests/fuzz/$t.dict
	[ -f "$dict" ] && dict="-dict=$dict" || dict=
	# shellcheck disable=SC2086
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$build/$t" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		-timeout=25 -rss_limit_mb=2048 -artifact_prefix="$out/crashes/$t-" \
		$dict $FUZZ_FLAGS "$out/work/$t" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then what="no finding"; else what="FINDING (exit $rc): see $log and $out/crashes/"; fi
	echo "$t: ${FUZZ_SECONDS} s, ${runs:-?} runs (${secs:-?}/s), ${cov:-cov: ?}, $what" | tee "$out/$t.summary"
	return "$rc"
}

failed=0
set -- $FUZZ_TARGETS
while [ $# -gt 0 ]; do
	pids=
	i=0
	while [ $# -gt 0 ] && [ "$i" -lt "$FUZZ_JOBS" ]; do
		run_one "$1" &
		pids="$pids $!"
		shift
		i=$((i + 1))
	done
	for p in $pids; do wait "$p" || failed=1; done
done
exit "$failed"
