#!/usr/bin/env python3
"""Session Setup authentication fields as tshark decodes them.

    auth-fields.py CAPTURE...                 print, per frame with a security
                                              blob or an SMB1 Session Setup, the
                                              NTLMSSP / Kerberos / SPNEGO / SMB1
                                              fields tshark shows
    auth-fields.py --check AUTH_DUMP CAPTURE... run smbneg's decoders (the
                                              test/oracle/auth_dump driver) over
                                              the same blobs and count agreement
                                              field by field

A CAPTURE may be a directory (its *.pcap, *.pcapng, *.cap are read);
`--optional DIR` names a directory read only when it exists.

Exit status with --check: 0 when every compared field agrees (apart from the
KNOWN differences below), 1 otherwise, 77 when tshark is missing. Empty
NTLMSSP strings are "NULL" in tshark; they are compared as empty strings."""
import os
import shutil
import subprocess
import sys
from collections import Counter, defaultdict

BLOB_FIELDS = ["smb2.security_blob", "smb.security_blob"]
STRING_FIELDS = [
    "ntlmssp.auth.username", "ntlmssp.auth.domain", "ntlmssp.auth.hostname",
    "ntlmssp.challenge.target_name",
    "ntlmssp.challenge.target_info.nb_computer_name",
    "ntlmssp.challenge.target_info.nb_domain_name",
    "ntlmssp.challenge.target_info.dns_computer_name",
    "ntlmssp.challenge.target_info.dns_domain_name",
    "ntlmssp.challenge.target_info.dns_tree_name",
    "ntlmssp.ntlmv2_response.target_name",
    "kerberos.realm", "kerberos.SNameString", "spnego.hintName",
    "smb.account", "smb.primary_domain", "smb.native_os", "smb.native_lanman",
]
OTHER_FIELDS = [
    "ntlmssp.messagetype", "ntlmssp.negotiateflags", "ntlmssp.ntlmserverchallenge",
    "ntlmssp.ntlmv2_response.ntproofstr", "ntlmssp.ntlmv2_response.chal",
    "ntlmssp.version.major", "ntlmssp.version.minor", "ntlmssp.version.build_number",
    "kerberos.error_code", "spnego.negResult", "spnego.supportedMech",
    "smb.cmd", "smb.wct", "smb.flags.response",
]
FIELDS = ["frame.number", "tcp.payload", "tcp.reassembled.data"] + BLOB_FIELDS + STRING_FIELDS + OTHER_FIELDS
AGG = "\x1f"

# Differences understood and left alone: (capture#frame, field) -> why.
KNOWN = {
    # impacket's SMB1 server writes NativeOS/NativeLanMan in UTF-16 at an odd
    # offset without the Pad byte MS-CIFS 2.2.4.53.2 requires: neither decoder
    # can read them (tshark shows "????????").
    ("attacksrv-impacket_smbserver-smb1-user.pcap#9", "smb.native_os"): "unaligned UTF-16",
    ("attacksrv-impacket_smbserver-smb1-user.pcap#9", "smb.native_lanman"): "unaligned UTF-16",
    ("attacksrv-impacket_smbserver-smb1-user.pcap#11", "smb.native_os"): "unaligned UTF-16",
    ("attacksrv-impacket_smbserver-smb1-user.pcap#11", "smb.native_lanman"): "unaligned UTF-16",
    ("suricata__smb-filename.pcap#1232", "smb.native_os"):
        "garbage Session Setup (fuzzed capture): tshark shows U+00FF as U+FFFD",
    ("suricata__smb2-09-trunc-file-logging.pcap#186", "smb.native_os"):
        "the same garbage Session Setup",
}


def tshark_rows(path):
    cmd = ["tshark", "-n", "-r", path, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-Y", "smb2.cmd == 1 || smb2.cmd == 0 || smb.cmd == 0x73 || smb.cmd == 0x72",
           "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=" + AGG]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout
    for line in out.splitlines():
        vals = line.split("\t")
        vals += [""] * (len(FIELDS) - len(vals))
        yield {f: v for f, v in zip(FIELDS, vals)}


def values(row, field):
    v = row.get(field, "")
    return v.split(AGG) if v != "" else []


def tshark_facts(row):
    """The facts tshark shows, normalised to auth_dump's spelling."""
    facts = {}
    for f in STRING_FIELDS:
        vs = ["" if x == "NULL" else x for x in values(row, f)]
        if not vs:
            continue
        facts[f] = "/".join(vs) if f == "kerberos.SNameString" else vs
    for f in ("ntlmssp.messagetype", "ntlmssp.negotiateflags", "kerberos.error_code",
              "spnego.negResult"):
        vs = values(row, f)
        if vs:
            facts[f] = [str(int(x, 0)) for x in vs]
    for f in ("ntlmssp.ntlmserverchallenge", "ntlmssp.ntlmv2_response.ntproofstr",
              "ntlmssp.ntlmv2_response.chal"):
        vs = values(row, f)
        if vs:
            facts[f] = [x.replace(":", "") for x in vs]
    if values(row, "spnego.supportedMech"):
        facts["spnego.supportedMech"] = values(row, "spnego.supportedMech")
    maj, mi, b = (values(row, "ntlmssp.version." + k)
                  for k in ("major", "minor", "build_number"))
    if maj and mi and b:
        facts["ntlmssp.version"] = ["%s.%s.%s" % t for t in zip(maj, mi, b)]
    return facts


def smb1_message(payload_hex):
    """The SMB1 Session Setup message in a TCP payload (first NBSS record)."""
    try:
        p = bytes.fromhex(payload_hex.replace(":", ""))
    except ValueError:
        return None
    if len(p) > 40 and p[0] == 0 and p[4:8] == b"\xffSMB" and p[8] == 0x73:
        return p[4:].hex()
    return None


def blobs(row):
    out = []
    for f in BLOB_FIELDS:
        out += [("blob", v.replace(":", "")) for v in values(row, f)]
    if values(row, "smb.cmd") and "115" in [str(int(x, 0)) for x in values(row, "smb.cmd")]:
        m = smb1_message(row.get("tcp.reassembled.data", "").split(AGG)[0] or
                         row.get("tcp.payload", ""))
        if m:
            out.append(("smb1", m))
    return out


def ours(driver, items):
    text = "".join("%s\t%s\t%s\n" % it for it in items)
    out = subprocess.run([driver], input=text, capture_output=True, text=True,
                         errors="replace").stdout
    res = defaultdict(dict)
    for line in out.splitlines():
        key, field, val = (line.split("\t") + ["", ""])[:3]
        res[key].setdefault(field, []).append(val)
    return res


def compare(driver, paths):
    agree, differ, missing, extra = Counter(), Counter(), Counter(), Counter()
    results, frames, bad = Counter(), 0, []
    for path in paths:
        rows = list(tshark_rows(path))
        items, facts = [], {}
        for row in rows:
            bl = blobs(row)
            kinds = [k for k, _ in bl]
            if len(bl) == 0 or kinds.count("blob") > 1:
                continue  # none, or several messages in one frame
            key = "%s#%s" % (os.path.basename(path), row["frame.number"])
            for kind, hx in bl:
                items.append((key + ":" + kind, kind, hx))
            facts[key] = tshark_facts(row)
        got = ours(driver, items)
        for key, tf in facts.items():
            frames += 1
            mine = {}
            for k in (key + ":blob", key + ":smb1"):
                for f, v in got.get(k, {}).items():
                    mine.setdefault(f, []).extend(v)
            for r in mine.get("result", []):
                results[r] += 1
            for f in mine:  # facts smbneg finds where tshark shows none
                if f not in tf and (f in STRING_FIELDS or f in OTHER_FIELDS
                                    or f == "ntlmssp.version") and \
                        any(v != "" for v in mine[f]):
                    extra[f] += 1
            for f, tv in tf.items():
                mv = mine.get(f)
                if mv is None:
                    missing[f] += 1
                    bad.append((key, f, tv, None))
                elif f == "kerberos.SNameString":
                    (agree if tv in mv else differ)[f] += 1
                    if tv not in mv:
                        bad.append((key, f, tv, mv))
                elif all(x in tv for x in mv) and all(x in mv for x in tv) or \
                        (f == "kerberos.realm" and all(x in tv for x in mv)):
                    agree[f] += 1
                else:
                    differ[f] += 1
                    bad.append((key, f, tv, mv))
    print("frames compared: %d; decoder results: %s" % (frames, dict(results)))
    for f in sorted(set(agree) | set(differ) | set(missing) | set(extra)):
        print("  %-48s agree %4d  differ %3d  missing %3d  extra %3d"
              % (f, agree[f], differ[f], missing[f], extra[f]))
    real = [b for b in bad if (b[0], b[1]) not in KNOWN]
    for key, f, tv, mv in bad[:40]:
        tag = "KNOWN" if (key, f) in KNOWN else "MISMATCH"
        print("  %s %s %s: tshark %r smbneg %r" % (tag, key, f, tv, mv))
    return 0 if not real else 1


def show(paths):
    for path in paths:
        for row in tshark_rows(path):
            tf = tshark_facts(row)
            if tf:
                print("%s#%s" % (os.path.basename(path), row["frame.number"]))
                for f, v in sorted(tf.items()):
                    print("    %s = %s" % (f, v))


def expand(args):
    """Files, directories (their captures) and --optional directories."""
    out, optional = [], False
    for a in args:
        if a == "--optional":
            optional = True
            continue
        if os.path.isdir(a):
            out += sorted(os.path.join(a, n) for n in os.listdir(a)
                          if n.endswith((".pcap", ".pcapng", ".cap", ".pcap.gz")))
        elif not optional or os.path.exists(a):
            out.append(a)
        optional = False
    return out


def main(argv):
    if not shutil.which("tshark"):
        print("SKIP: tshark not installed")
        return 77
    if len(argv) > 2 and argv[1] == "--check":
        return compare(argv[2], expand(argv[3:]))
    show(expand(argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
