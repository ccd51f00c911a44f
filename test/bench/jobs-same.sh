#!/usr/bin/env bash
# jobs-same.sh: `smbneg -j 2` (files read by worker threads, replayed in order) prints
# exactly what a serial run (-j 1) prints, on every capture of captures/ read at once,
# in every output format, with --hosts, -q and -v; the same stderr and exit status.
# Also on ../shared/corpus when it is there, with files that cannot be read among
# them, and with --fail-on.
#
# usage: test/bench/jobs-same.sh SMBNEG SOURCE_ROOT
# Exit 0 when every pair is identical, 1 otherwise, 77 (skip) without captures/.
set -u
export LC_ALL=C TZ=UTC0
smbneg=$1 src=$2
[ -d "$src/captures" ] || { echo "SKIP: no $src/captures"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/jobs-same.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0

# same NAME ARGS...: -j 1 and -j 2 give the same stdout, stderr and status; every
# file of -j 2 goes to a worker (small ones are otherwise read in turn by the replay)
same() {
  local name=$1 r1 r2; shift
  "$smbneg" -j 1 "$@" > "$tmp/o1" 2> "$tmp/e1"; r1=$?
  SMBNEG_JOBS_MIN_BYTES=${jobs_min:-0} "$smbneg" -j 2 "$@" > "$tmp/o2" 2> "$tmp/e2"; r2=$?
  if [ $r1 -eq $r2 ] && cmp -s "$tmp/o1" "$tmp/o2" && cmp -s "$tmp/e1" "$tmp/e2"; then
    echo "ok   $name (exit $r1, $(wc -c < "$tmp/o1") bytes)"
  else
    echo "FAIL $name: exit $r1 / $r2"; diff "$tmp/o1" "$tmp/o2" | head -5
    diff "$tmp/e1" "$tmp/e2" | head -5; fail=1
  fi
}

caps=$src/captures
for fmt in text json csv; do
  same "captures/ -o $fmt" -o $fmt -r "$caps"
  same "captures/ -o $fmt --hosts" -o $fmt --hosts -r "$caps"
  same "captures/ -o $fmt -q" -o $fmt -q -r "$caps"
  same "captures/ -o $fmt --hosts-per-file" -o $fmt --hosts-per-file -r "$caps"
done
same "captures/ -v" -v -r "$caps"
same "captures/ --idle 1" --idle 1 -r "$caps"
# third-party captures (../shared/corpus), when present: relays and attacks of
# other sources, JSON rendered by the workers against the serial renderer
corpus=$src/../shared/corpus
if [ -d "$corpus" ]; then
  same "corpus -o json" -o json -r "$corpus"
  same "corpus and captures/ -o json --assume-client win10" -o json --assume-client win10 \
    -r "$corpus" "$caps"
  same "corpus -v" -v -r "$corpus"
else
  echo "skip corpus: no $corpus"
fi
# as by default, small files read by the replay between the workers' (the
# smaller half of captures/ here: under 8 KiB)
jobs_min=8192
same "captures/ -o json, files under 8 KiB read by the replay" -o json -r "$caps"
same "captures/ -v, files under 8 KiB read by the replay" -v -r "$caps"
jobs_min=0
# records unread held to one chunk: a worker ahead of the replay waits at each
# chunk it fills (the bound on memory, made to bite)
SMBNEG_JOBS_HELD_BYTES=1 same "captures/ -o json, workers ahead waiting for room" -o json -r "$caps"
if [ -d "$corpus" ]; then
  SMBNEG_JOBS_HELD_BYTES=1 same "corpus -v, workers ahead waiting for room" -v -r "$corpus"
fi
bad=$src/test/hostile/cases
if [ -d "$bad" ]; then
  files=("$bad/truncated-record-header.pcap" "$caps" "$bad/not-a-pcap.pcap" "$bad/ends-mid-packet.pcap")
  same "unreadable files among them, json" -o json -r "${files[@]}"
  same "unreadable files among them, --fail-on" --fail-on not-signed,smb1 -r "${files[@]}"
fi
exit $fail
