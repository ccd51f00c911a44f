#!/usr/bin/env bash
# parallel-recipe.sh: runs the README's "Beyond one machine" recipe (GNU parallel map,
# jq reduce with merge-hosts.jq) on a small folder of captures from captures/, locally,
# and checks that the merged host inventory equals one serial run over the same files
# (`smbneg --hosts -o json -r FOLDER`), event for event. Suite 'bench'.
#
# usage: parallel-recipe.sh SMBNEG SOURCE_ROOT
# Skips (exit 77, saying why) without GNU parallel or jq. Takes about a second.
set -euo pipefail
smbneg=$(realpath "$1") root=$(realpath "$2")
here=$root/test/bench
command -v jq > /dev/null || { echo "SKIP: jq is not installed (apt-get install jq)"; exit 77; }
parallel --version 2> /dev/null | grep -q 'GNU parallel' ||
  { echo "SKIP: GNU parallel is not installed (apt-get install parallel)"; exit 77; }

# The recipe's map line, word for word as the README shows it (the check below
# fails when the README's copy changes, so the two stay the same).
map_line="  parallel -0 --will-cite --halt now,fail=1 smbneg -o json --hosts -r {} |"
grep -qxF -- "    $map_line" "$root/README.md" ||
  { echo "FAIL: README.md no longer shows the recipe line this test runs:"; echo "$map_line"; exit 1; }

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
# A few captures whose servers meet across files: the same server signing `required`
# in one file and with no Negotiate response (unknown) in another, SMB1 and not,
# IPv6, two servers in one file, several dialects.
mkdir "$work/archive" "$work/archive/day2"
for f in concurrent-two-servers.pcap proto-cli_SMB2-srv_smb1only-user.pcap \
         smb1-srv_auto-cli_required-user.pcap impacket-smb1-srv_smb1_auto-user.pcap \
         dialect-cli_SMB2_02-srv_auto-user.pcap dialect-cli_SMB3_11-srv_auto-user.pcap \
         proto-cli_NT1-srv_smb2only-user.pcap transport-ipv6-srv_auto-user.pcap; do
  [ -f "$root/captures/$f" ] || { echo "SKIP: captures/$f is missing"; exit 77; }
  ln -s "$root/captures/$f" "$work/archive/$f"
done
mv "$work/archive/dialect-"* "$work/archive/day2/"
ln -s "$root/captures/format-pcapng-smb2-srv_mandatory-cli_if_required-user.pcapng" "$work/archive/day2/"

# The recipe (README "Beyond one machine"), with smbneg from this build on PATH.
export PATH="$(dirname "$smbneg"):$PATH"
cp "$here/merge-hosts.jq" "$work/"
(
  cd "$work/archive" && find . \( -type f -o -type l \) \( -name '*.pcap' -o -name '*.pcapng' \) -print0 |
    parallel -0 --will-cite --halt now,fail=1 smbneg -o json --hosts -r {} |
    jq -s -c -f ../merge-hosts.jq > ../inventory.jsonl
)

# One serial run over the same files (a directory is read in full, recursively or
# not, so list the files explicitly).
args=()
while IFS= read -r -d '' f; do args+=(-r "$f"); done < <(cd "$work/archive" && find . \( -type f -o -type l \) -print0 | sort -z)
(cd "$work/archive" && smbneg --hosts -o json "${args[@]}") |
  jq -c 'select(.event == "host")' | jq -s -c 'sort_by(.server) | .[]' > "$work/serial.jsonl"

n=$(wc -l < "$work/serial.jsonl")
if [ "$n" -lt 3 ]; then echo "FAIL: only $n host events from the serial run"; exit 1; fi
if ! diff -u "$work/serial.jsonl" "$work/inventory.jsonl"; then
  echo "FAIL: the merged inventory differs from a serial run (- serial, + merged)"; exit 1
fi
echo "ok: $n servers, merged inventory of $(find "$work/archive" \( -type f -o -type l \) | wc -l) files identical to a serial run"
