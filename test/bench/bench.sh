#!/usr/bin/env bash
# Benchmark: smbneg against libpcap merely reading the same file, measured in the
# same run (README "Performance": close to the speed at which libpcap reads; memory
# flat in capture size). Prints times, the ratio, and max RSS at two file sizes.
# usage: test/bench/bench.sh [BUILD_DIR] [COPIES]   (from the source root)
set -eu
build=${1:-build} copies=${2:-20}
smbneg=$build/src/smbneg baseline=$build/test/bench/pcap_read_baseline
for b in "$smbneg" "$baseline"; do [ -x "$b" ] || { echo "missing $b: build first" >&2; exit 2; }; done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 test/bench/make-big-capture.py . "$tmp/small.pcap" "$copies"
python3 test/bench/make-big-capture.py . "$tmp/big.pcap" $((copies * 4))
cat "$tmp/small.pcap" "$tmp/big.pcap" > /dev/null # warm the page cache

# best of 5 wall-clock seconds
best() {
  local b=999999 t
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f %e -o "$tmp/time" "$@" > /dev/null 2>&1
    t=$(tail -1 "$tmp/time")
    b=$(awk -v a="$b" -v c="$t" 'BEGIN { print (c < a) ? c : a }')
  done
  echo "$b"
}
rss() { /usr/bin/time -f %M -o "$tmp/rss" "$@" > /dev/null 2>&1; tail -1 "$tmp/rss"; }

for f in small big; do
  size=$(stat -c %s "$tmp/$f.pcap")
  tb=$(best "$baseline" "$tmp/$f.pcap")
  ts=$(best "$smbneg" -q -r "$tmp/$f.pcap")
  tj=$(best "$smbneg" -o json -r "$tmp/$f.pcap")
  awk -v n="$f" -v s="$size" -v b="$tb" -v t="$ts" -v j="$tj" 'BEGIN {
    mb = s / 1048576
    printf "%-5s %7.1f MiB  libpcap read %.3f s (%.0f MiB/s)  smbneg -q %.3f s (%.0f MiB/s)  ratio %.2f  smbneg -o json %.3f s  ratio %.2f\n",
      n, mb, b, (b > 0 ? mb / b : 0), t, (t > 0 ? mb / t : 0), (b > 0 ? t / b : 0), j, (b > 0 ? j / b : 0) }'
done
rs=$(rss "$smbneg" -q -r "$tmp/small.pcap")
rb=$(rss "$smbneg" -q -r "$tmp/big.pcap")
echo "max RSS: $rs KiB on the small file, $rb KiB on the 4x file (ratio $(awk -v a="$rs" -v b="$rb" 'BEGIN { printf "%.2f", b / a }'))"
