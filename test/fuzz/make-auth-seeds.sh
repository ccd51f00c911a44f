#!/usr/bin/env bash
# Seed the fuzz corpora of fuzz_auth (security buffers) and fuzz_smb1_logon
# (SMB1 Session Setup messages from their \xffSMB header) from captures/:
# tshark extracts them, one file per distinct content, 40 per target spread
# over the sizes; then the Kerberos and anonymous buffers of a few public
# captures in ../shared/corpus (when present), which captures/ lacks.
# usage: test/fuzz/make-auth-seeds.sh (from the source root)
set -eu
command -v tshark >/dev/null || { echo "tshark is needed" >&2; exit 1; }
mkdir -p test/fuzz/corpus/auth test/fuzz/corpus/smb1_logon
for cap in captures/*.pcap; do
  b=$(basename "$cap" .pcap)
  tshark -r "$cap" -Y '(smb2.security_blob || smb.security_blob) && !tcp.analysis.retransmission' \
      -T fields -e frame.number -e smb2.security_blob -e smb.security_blob 2>/dev/null |
  while read -r frame hex; do
    [ -n "$hex" ] || continue
    printf '%s' "$hex" | tr -d ':,' | xxd -r -p > "test/fuzz/corpus/auth/$b-$frame"
  done
  tshark -r "$cap" -Y 'smb.cmd == 0x73 && !tcp.analysis.retransmission' \
      -T fields -e frame.number -e tcp.payload 2>/dev/null |
  while read -r frame hex; do
    bytes=$(printf '%s' "$hex" | tr -d ':')
    [ "${bytes:8:2}" = ff ] || continue
    printf '%s' "${bytes:8}" | xxd -r -p > "test/fuzz/corpus/smb1_logon/$b-$frame"
  done
done
for t in auth smb1_logon; do
  (cd test/fuzz/corpus/$t && md5sum -- * | sort | awk 'seen[$1]++ {print $2}' | xargs -r rm -f --
   n=$(ls | wc -l); ls -S | awk -v n="$n" 'n > 40 && (NR * 40) % n >= 40' | xargs -r rm -f --)
done
pub=../shared/corpus
if [ -d "$pub" ]; then
  for spec in zeek__smb2_krb.pcap:12 zeek__smb2_krb.pcap:14 zeek__kerberos445_auth.pcapng:10 \
              zeek__kerberos445_auth.pcapng:12 suricata__smb-length-5786_null.pcap:8 \
              suricata__smb-length-5786_null.pcap:18 zeek__ldap_aduser1.pcap:11 \
              arkime__wireshark-smb-on-windows10.pcap:20 ndpi__smb_frags.pcap:6; do
    f=${spec%%:*}; fr=${spec##*:}
    tshark -r "$pub/$f" -Y "frame.number == $fr" -T fields -e smb2.security_blob \
        -e smb.security_blob 2>/dev/null | tr -d ':\t\n' | xxd -r -p > "test/fuzz/corpus/auth/${f%%.*}-$fr"
  done
  # SMB1 without extended security (WordCount 13 / 3), which captures/ lacks
  for spec in arkime__smb-smbclient.pcap:8 arkime__smb-smbclient.pcap:9 ndpi__smbv1.pcap:3 \
              zeek__smb1_transaction_request.pcap:8; do
    f=${spec%%:*}; fr=${spec##*:}
    hex=$(tshark -r "$pub/$f" -Y "frame.number == $fr" -T fields -e tcp.payload 2>/dev/null | tr -d ':')
    printf '%s' "${hex:8}" | xxd -r -p > "test/fuzz/corpus/smb1_logon/${f%%.*}-$fr"
  done
fi
echo "seeds: $(ls test/fuzz/corpus/auth | wc -l) auth, $(ls test/fuzz/corpus/smb1_logon | wc -l) smb1_logon"
