#!/usr/bin/env bash
# Golden regression (STYLE "Tests"): every capture in captures/ must give exactly
# the text and JSON output stored in test/golden/. With --update the files are
# rewritten instead, for review by hand (never as a way to make a test pass).
# usage: run-golden.sh SMBNEG SOURCE_ROOT [--update]
set -u
smbneg=$1 root=$2 update=${3:-}
cd "$root" || exit 2
export TZ=UTC0 LC_ALL=C
shopt -s nullglob
caps=(captures/*.pcap captures/*.pcapng)
if [ ${#caps[@]} -eq 0 ]; then
  echo "1..0 # SKIP no captures in captures/"
  exit 77
fi
fail=0 n=0
for cap in "${caps[@]}"; do
  base=test/golden/$(basename "$cap")
  for fmt in text json; do
    ext=$([ $fmt = text ] && echo txt || echo jsonl)
    want=$base.$ext
    got=$("$smbneg" -r "$cap" -o $fmt 2>&1; echo "exit=$?")
    n=$((n + 1))
    if [ "$update" = --update ]; then
      printf '%s\n' "$got" > "$want"
    elif [ ! -f "$want" ]; then
      echo "MISSING $want (run: test/golden/run-golden.sh build/src/smbneg . --update, then review)"
      fail=$((fail + 1))
    elif ! diff -u "$want" <(printf '%s\n' "$got") > /tmp/golden-diff.$$; then
      echo "DIFF $cap ($fmt):"
      head -40 /tmp/golden-diff.$$
      fail=$((fail + 1))
    fi
  done
done
rm -f /tmp/golden-diff.$$
echo "golden: $((n - fail)) passed, $fail failed"
[ $fail -eq 0 ]
