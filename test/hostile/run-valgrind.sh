#!/usr/bin/env bash
# valgrind memcheck: smbneg -o json on every capture in captures/ and
# on every committed hostile case (test/hostile/cases/) must show no memory error and no
# definite leak. Exit 77 (skip) when valgrind is missing or smbneg is built with ASan
# (the two cannot run together).
# usage: run-valgrind.sh SMBNEG SOURCE_ROOT
set -u
export LC_ALL=C TZ=UTC0
if [ $# -ne 2 ]; then
  echo "usage: $0 SMBNEG SOURCE_ROOT" >&2
  exit 2
fi
smbneg=$1 root=$2
if ! command -v valgrind >/dev/null 2>&1; then
  echo "SKIP: valgrind is not installed (apt-get install valgrind)"
  exit 77
fi
if [ "${SMBNEG_ASAN:-0}" = 1 ] || grep -aqE '__asan_init|__hwasan_init|__msan_init|__tsan_init' "$smbneg"; then
  echo "SKIP: $smbneg is built with a sanitizer (ASan); valgrind cannot run it"
  exit 77
fi
shopt -s nullglob
caps=("$root"/captures/*.pcap "$root"/captures/*.pcapng)
hostile=("$root"/test/hostile/cases/*)
if [ ${#caps[@]} -eq 0 ] && [ ${#hostile[@]} -eq 0 ]; then
  echo "SKIP: no captures in $root/captures"
  exit 77
fi
log=$(mktemp "${TMPDIR:-/tmp}/valgrind.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT
pass=0 fail=0 t0=$EPOCHREALTIME
# check FILE STRICT: STRICT=1 also wants exit status 0 (a capture, not a hostile case).
check() {
  local f=$1 strict=$2 rc
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$smbneg" -r "$f" -o json > /dev/null 2> "$log"
  rc=$?
  if [ $rc -eq 99 ] || [ $rc -ge 128 ] || { [ "$strict" = 1 ] && [ $rc -ne 0 ]; }; then
    echo "FAIL ${f#"$root"/}: exit status $rc"
    sed 's/^/    | /' "$log" | head -n 40
    fail=$((fail + 1))
  else
    echo "PASS ${f#"$root"/}"
    pass=$((pass + 1))
  fi
}
for f in "${caps[@]}"; do check "$f" 1; done
for f in "${hostile[@]}"; do check "$f" 0; done
echo "valgrind: $pass passed, $fail failed ($(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')s)"
[ $fail -eq 0 ]
