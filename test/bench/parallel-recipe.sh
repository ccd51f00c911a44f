#!/usr/bin/env bash
# parallel-recipe.sh: takes the README's "Beyond one machine" recipe (GNU parallel map,
# jq reduce with merge-hosts.jq), runs it locally on a small folder of captures from captures/,
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

# The recipe: the README's first block that starts with `cd "$ARCHIVE" && find`, to
# the `jq` line that ends it, run as it stands with ARCHIVE, MERGE and OUT set.
recipe=$(awk '/^    cd "\$ARCHIVE" && find/ { on = 1 } on { print } on && /^      jq / { exit }' \
  "$root/README.md")
case $recipe in
  *parallel*jq*) ;;
  *) echo "FAIL: no recipe (cd \"\$ARCHIVE\" && find ... | parallel ... | jq) in README.md"; exit 1 ;;
esac

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
# A few captures whose servers meet across files: one server with a known signing mode
# in some files and none (no Negotiate response) in another, SMB1 and SMB2 on one
# server, IPv6, two servers in one file, several dialects, pcap and pcapng.
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

# The recipe, with smbneg from this build on PATH.
PATH="$(dirname "$smbneg"):$PATH"; export PATH
ARCHIVE=$work/archive MERGE=$here/merge-hosts.jq OUT=$work/inventory.jsonl
export ARCHIVE MERGE OUT
bash -euo pipefail -c "$recipe"

# One serial run over the same files, listed explicitly.
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
