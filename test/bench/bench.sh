#!/usr/bin/env bash
# bench.sh: smbneg against libpcap merely reading the same file, in one run.
#
# usage: test/bench/bench.sh [options] [BUILD_DIR] [CONVERSATIONS]   (from the source root)
#   BUILD_DIR       default build (release gives the figures worth quoting:
#                   meson setup build-rel -Dbuildtype=release)
#   CONVERSATIONS   conversations per benchmark capture, default 1500 (about 320 MB
#                   each); the 4x captures have four times as many
#   --runs N        timed runs per command, the median is kept (default 5)
#   --flood N       connections in the memory flood (default 20000; 0 skips it)
#   --check         exit 1 when a threshold below is exceeded (else report only)
#   --max-ratio X   --check: every mode's median / libpcap's median <= X
#   --max-rss-mib M --check: every peak RSS (1x, 4x, flood) <= M MiB
#   --ratio-by wall|cpu  the ratio --check compares: wall clock (default, the issue's)
#                   or CPU seconds (user + system; steadier on a machine others share)
#   --keep DIR      generate into DIR and keep the captures (default: a temp dir)
#   --max-jobs-ratio X  --check: -j 2 on four files / -j 1 on the same <= X (wall)
#
# It generates (never committed) four benchmark captures: A = make-big-capture.py and
# B = gen_capture (written apart, other segmentation, VLAN, IPv6), each at 1x and 4x,
# plus the flood (make-flood.py). On A1 and B1 it times pcap_read_baseline and smbneg in
# every output mode (-q, text, -o json, -o csv, --hosts), interleaved, RUNS times each,
# writing output to a file as a user would; prints median wall and CPU seconds (measure.py,
# from wait4), their ratios to libpcap's, and peak RSS (/usr/bin/time %M). On the 4x captures and the flood it measures peak
# RSS. On four files (A1, B1 and a copy of each: other inodes, as four captures are)
# it times -j 1 against -j 2, text and -o json, the output of both compared byte for
# byte. Every capture's conversations (client, server, verdict) must equal the
# generator's manifest, or the script fails (exit 1) whatever the mode; under the flood
# every connection must be reported (a failure under --check only: today's code may
# evict). Exit 2: usage or a missing tool.
set -euo pipefail

runs=5 flood=20000 check=0 max_ratio="" max_rss="" keep="" ratio_by=wall max_jobs=""
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --flood) flood=$2; shift 2 ;;
    --check) check=1; shift ;;
    --max-ratio) max_ratio=$2; shift 2 ;;
    --max-rss-mib) max_rss=$2; shift 2 ;;
    --max-jobs-ratio) max_jobs=$2; shift 2 ;;
    --ratio-by) ratio_by=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
build=${args[0]:-build} n=${args[1]:-1500}
here=$(cd "$(dirname "$0")" && pwd)
smbneg=$build/src/smbneg baseline=$build/test/bench/pcap_read_baseline gen=$build/test/bench/gen_capture
for b in "$smbneg" "$baseline" "$gen"; do
  [ -x "$b" ] || { echo "bench.sh: missing $b (build first: ninja -C $build)" >&2; exit 2; }
done
for t in /usr/bin/time python3; do
  command -v $t > /dev/null || { echo "bench.sh: needs $t (apt-get install time python3)" >&2; exit 2; }
done
[ -n "${EPOCHREALTIME:-}" ] || { echo "bench.sh: needs bash >= 5 (EPOCHREALTIME)" >&2; exit 2; }

if [ -n "$keep" ]; then tmp=$keep; mkdir -p "$tmp"; else
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; fi
fail=0
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

gen_a() { python3 "$here/make-big-capture.py" "$1" --conversations "$2" --manifest "$1.manifest"; }
gen_b() { "$gen" -n "$2" -m "$1.manifest" "$1"; }

# run NAME OUT CMD...: one timed run; appends wall s, CPU s, peak KiB to $tmp/s.NAME
run() {
  local name=$1 out=$2 m; shift 2
  m=$(python3 "$here/measure.py" "$out" -- /usr/bin/time -f %M -o "$tmp/rss" "$@") ||
    { echo "bench.sh: failed: $*" >&2; cat "$out.err" >&2; exit 1; }
  echo "$m $(tail -1 "$tmp/rss")" >> "$tmp/s.$name"
}
# median FILE [COLUMN]
median() { awk -v c="${2:-1}" '{ print $c }' "$1" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
peak() { awk '$3 > m { m = $3 } END { print m + 0 }' "$1"; }

# verify CAPTURE: the conversations smbneg reports must be the generator's.
verify() {
  local cap=$1 want got
  "$smbneg" -o csv -r "$cap" | tail -n +2 | awk -F, '{ print $2, $3, $12 }' | sort > "$tmp/got"
  sort "$cap.manifest" > "$tmp/want"
  want=$(wc -l < "$tmp/want") got=$(wc -l < "$tmp/got")
  if cmp -s "$tmp/want" "$tmp/got"; then
    echo "  conversations: $got found, $want written, verdicts identical"
  else
    echo "  conversations: $got found, $want written: MISMATCH (first differences below)"
    diff "$tmp/want" "$tmp/got" | head -5 | sed 's/^/    /' || true
    fail=1
  fi
}

modes=(q text json csv hosts)
declare -A flags=([q]="-q" [text]="" [json]="-o json" [csv]="-o csv" [hosts]="--hosts")

# time_capture LABEL FILE: the table for one capture
time_capture() {
  local label=$1 cap=$2 size frames
  size=$(stat -c %s "$cap")
  cat "$cap" > /dev/null  # page cache
  rm -f "$tmp"/s.*
  for _ in $(seq "$runs"); do
    run base "$tmp/out.base" "$baseline" "$cap"
    for m in "${modes[@]}"; do
      # shellcheck disable=SC2086 # the flags are words
      run "$m" "$tmp/out.$m" "$smbneg" ${flags[$m]} -r "$cap"
    done
  done
  frames=$(cut -d' ' -f1 "$tmp/out.base")
  local tb cb; tb=$(median "$tmp/s.base" 1) cb=$(median "$tmp/s.base" 2)
  printf '%s: %s MiB, %s frames, %s conversations; median of %s runs\n' \
    "$label" "$(mib $((size / 1024)))" "$frames" "$(wc -l < "$cap.manifest")" "$runs"
  printf '  %-14s %8s %7s %7s %8s %7s %12s %10s\n' mode "wall s" MiB/s ratio "CPU s" ratio \
    "peak RSS" output
  for m in base "${modes[@]}"; do
    local t c r rc k o name=${flags[$m]:-text}
    t=$(median "$tmp/s.$m" 1) c=$(median "$tmp/s.$m" 2) k=$(peak "$tmp/s.$m")
    o=$(stat -c %s "$tmp/out.$m")
    [ "$m" = base ] && name="libpcap read"
    r=$(awk -v t="$t" -v b="$tb" 'BEGIN { printf "%.2f", (b > 0 ? t / b : 0) }')
    rc=$(awk -v t="$c" -v b="$cb" 'BEGIN { printf "%.2f", (b > 0 ? t / b : 0) }')
    printf '  %-14s %8.3f %7.0f %6sx %8.3f %6sx %8s MiB %6s KiB\n' "$name" "$t" \
      "$(awk -v s="$size" -v t="$t" 'BEGIN { print (t > 0 ? s / 1048576 / t : 0) }')" \
      "$r" "$c" "$rc" "$(mib "$k")" "$((o / 1024))"
    echo "${label%% *} $m $([ "$ratio_by" = cpu ] && echo "$rc" || echo "$r") $k" >> "$tmp/results"
  done
  verify "$cap"
}

# rss_capture LABEL FILE: peak RSS of -q and -o json, one run each
rss_capture() {
  local label=$1 cap=$2 line="" m
  rm -f "$tmp"/s.*
  for m in q json; do
    # shellcheck disable=SC2086
    run "$m" "$tmp/out.$m" "$smbneg" ${flags[$m]} -r "$cap"
    line+=" ${flags[$m]} peak RSS $(mib "$(peak "$tmp/s.$m")") MiB ($(awk '{ printf "%.2f", $1 }' "$tmp/s.$m") s);"
    echo "${label%% *} $m - $(peak "$tmp/s.$m")" >> "$tmp/results"
  done
  echo "$label: $(mib $(($(stat -c %s "$cap") / 1024))) MiB;$line"
  verify "$cap"
}

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2> /dev/null || true)
bt=$(python3 -c 'import json,sys; print(next(o["value"] for o in json.load(open(sys.argv[1])) if o["name"] == "buildtype"))' \
  "$build/meson-info/intro-buildoptions.json" 2> /dev/null || echo unknown)
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr); smbneg $("$smbneg" --version | head -1), buildtype $bt"
echo "command: test/bench/bench.sh ${args[*]:-} (runs $runs, flood $flood)"
: > "$tmp/results"
for g in a b; do
  gen_$g "$tmp/$g.pcap" "$n"
  time_capture "${g^^}1 ($( [ $g = a ] && echo make-big-capture.py || echo gen_capture))" "$tmp/$g.pcap"
  rm -f "$tmp/out".*
done
# time_jobs: -j 1 and -j 2 over four files, text and JSON, interleaved, RUNS times
time_jobs() {
  local files=("$tmp/a.pcap" "$tmp/b.pcap" "$tmp/a-copy.pcap" "$tmp/b-copy.pcap") m j
  cp "$tmp/a.pcap" "$tmp/a-copy.pcap"
  cp "$tmp/b.pcap" "$tmp/b-copy.pcap"
  cat "${files[@]}" > /dev/null # page cache
  rm -f "$tmp"/s.*
  for _ in $(seq "$runs"); do
    for m in text json; do
      for j in 1 2; do
        # shellcheck disable=SC2086
        run "$m$j" "$tmp/out.$m$j" "$smbneg" -j $j ${flags[$m]} -r "${files[@]}"
      done
    done
  done
  echo "-j 2 on four files (A1, B1, a copy of each), median of $runs runs:"
  for m in text json; do
    local t1 t2 r
    t1=$(median "$tmp/s.${m}1" 1) t2=$(median "$tmp/s.${m}2" 1)
    r=$(awk -v a="$t2" -v b="$t1" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    if cmp -s "$tmp/out.${m}1" "$tmp/out.${m}2"; then same="output identical"
    else same="OUTPUT DIFFERS"; fail=1; fi
    printf '  %-6s -j 1 %.3f s, -j 2 %.3f s: %sx; %s\n' "$m" "$t1" "$t2" "$r" "$same"
    echo "jobs $m $r -" >> "$tmp/jobs"
  done
  rm -f "$tmp/a-copy.pcap" "$tmp/b-copy.pcap" "$tmp"/out.*
}
: > "$tmp/jobs"
time_jobs
for g in a b; do
  gen_$g "$tmp/${g}4.pcap" $((n * 4))
  rss_capture "${g^^}4 (4x)" "$tmp/${g}4.pcap"
  [ -n "$keep" ] || rm -f "$tmp/${g}4.pcap"
done
if [ "$flood" -gt 0 ]; then
  python3 "$here/make-flood.py" "$tmp/flood.pcap" --connections "$flood"
  rm -f "$tmp"/s.*
  run flood "$tmp/out.flood" "$smbneg" -o json -q -r "$tmp/flood.pcap"
  found=$(grep '"event":"summary"' "$tmp/out.flood" | grep -o '"conversations":[0-9]*' | cut -d: -f2)
  k=$(peak "$tmp/s.flood")
  echo "flood: $flood connections x 60 KiB of a 64 KiB Negotiate, $(mib $(($(stat -c %s "$tmp/flood.pcap") / 1024))) MiB:" \
    "peak RSS $(mib "$k") MiB, $found conversations reported, $(awk '{ printf "%.2f", $1 }' "$tmp/s.flood") s"
  echo "flood q - $k" >> "$tmp/results"
  if [ "$found" != "$flood" ]; then
    echo "  flood: $found of $flood connections reported"
    [ $check = 1 ] && fail=1
  fi
  [ -n "$keep" ] || rm -f "$tmp/flood.pcap"
fi

if [ $check = 1 ]; then
  over=$(awk -v r="${max_ratio:-0}" -v m="${max_rss:-0}" '
    r > 0 && $2 != "base" && $3 != "-" && $3 + 0 > r + 0 { printf "  ratio %s > %s: %s %s\n", $3, r, $1, $2 }
    m > 0 && $4 / 1024 > m + 0 { printf "  peak RSS %.1f MiB > %s MiB: %s %s\n", $4 / 1024, m, $1, $2 }' \
    "$tmp/results")
  over+=$(awk -v r="${max_jobs:-0}" \
    'r > 0 && $3 + 0 > r + 0 { printf "  -j 2 / -j 1 %s > %s: %s\n", $3, r, $2 }' "$tmp/jobs")
  if [ -n "$over" ]; then echo "check: thresholds exceeded:"; echo "$over"; fail=1
  else echo "check: within thresholds (max ratio ${max_ratio:-none}, max RSS ${max_rss:-none} MiB, max -j 2 ratio ${max_jobs:-none})"; fi
fi
exit $fail
