#!/usr/bin/env python3
"""make-synthetic-attacks.py - write the attack captures no Debian peer can produce.

    python3 test/captures/make-synthetic-attacks.py [OUTDIR]     (default: captures/)

Samba is not vulnerable to MS17-010 or CVE-2020-0796 and no Debian package
carries EternalBlue or DoublePulsar, so the answers of a vulnerable or
implanted Windows server and the exploitation traffic itself are built here
byte by byte, from the public descriptions cited beside each message (no
exploit code was used; nothing here can exploit anything: the "shellcode"
is filler). Each file is a classic pcap (Ethernet, IPv4, TCP with a real
handshake, correct sequence and acknowledgement numbers and checksums),
addresses from the documentation ranges (RFC 5737): attacker 198.51.100.66,
target 192.0.2.5.

Files (see test/captures/README-attacks.md for the expected indicators):
  attack-ms17-010-vulnerable.pcap     nmap-style check answered by an unpatched server
  attack-doublepulsar-implant.pcap    DoublePulsar ping answered by the implant
  attack-eternalblue.pcap             NT Trans + Trans2 Secondary FEA overflow, 3 grooms
  attack-smbghost.pcap                SMB 3.1.1 compression transform with a wrapping size

Standard library only; deterministic output (fixed clock).
"""
import os
import struct
import sys

ATTACKER = "198.51.100.66"
TARGET = "192.0.2.5"
T0 = 1700000000.0  # fixed capture clock (2023-11-14)
MSS = 1460

# ---------------------------------------------------------------- pcap / IP / TCP


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Pcap:
    """Frames collected from several connections, written sorted by time."""

    def __init__(self):
        self.frames = []  # (ts, seq no, bytes)

    def add(self, ts, frame):
        self.frames.append((ts, len(self.frames), frame))

    def write(self, path):
        with open(path, "wb") as f:
            # pcap global header: magic, v2.4, thiszone 0, sigfigs 0, snaplen, LINKTYPE_ETHERNET
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for ts, _, fr in sorted(self.frames):
                sec = int(ts)
                usec = int(round((ts - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)))
                f.write(fr)


class Conn:
    """One TCP connection; the client opens it. send() segments at the MSS and
    the receiver acknowledges each burst, so seq/ack always agree."""

    def __init__(self, pcap, cport, sport=445, client=ATTACKER, server=TARGET, isn=(1000, 5000)):
        self.p = pcap
        self.ep = {"c": (client, cport), "s": (server, sport)}
        self.seq = {"c": isn[0], "s": isn[1]}
        self.ipid = {"c": 0x100, "s": 0x4000}

    def _frame(self, ts, d, flags, payload=b""):
        o = "s" if d == "c" else "c"
        (sip, sp), (dip, dp) = self.ep[d], self.ep[o]
        ack = self.seq[o] if flags & 0x10 else 0
        tcp = struct.pack("!HHIIBBHHH", sp, dp, self.seq[d], ack, 5 << 4, flags, 65535, 0, 0)
        pseudo = ip4(sip) + ip4(dip) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        self.ipid[d] += 1
        iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), self.ipid[d],
                          0x4000, 128 if d == "s" else 64, 6, 0, ip4(sip), ip4(dip))
        iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
        mac = {"c": b"\x02\x00\x00\x00\x00\x66", "s": b"\x02\x00\x00\x00\x00\x05"}
        eth = mac[o] + mac[d] + b"\x08\x00"
        self.p.add(ts, eth + iph + tcp + payload)
        self.seq[d] = (self.seq[d] + len(payload) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF

    def handshake(self, ts):
        self._frame(ts, "c", 0x02)            # SYN
        self._frame(ts + 0.0001, "s", 0x12)   # SYN, ACK
        self._frame(ts + 0.0002, "c", 0x10)   # ACK
        return ts + 0.0003

    def send(self, ts, d, payload, ack=True):
        for i in range(0, len(payload), MSS):
            self._frame(ts, d, 0x18, payload[i:i + MSS])  # PSH, ACK
            ts += 0.00001
        if ack:
            self._frame(ts + 0.0001, "s" if d == "c" else "c", 0x10)
        return ts + 0.0002

    def close(self, ts, d="c", rst=False):
        o = "s" if d == "c" else "c"
        if rst:
            self._frame(ts, d, 0x14)                   # RST, ACK
            return ts + 0.0001
        self._frame(ts, d, 0x11)                       # FIN, ACK
        self._frame(ts + 0.0001, o, 0x11)              # FIN, ACK
        self._frame(ts + 0.0002, d, 0x10)              # ACK
        return ts + 0.0003


def nbss(msg, length=None):
    """RFC 1002 4.3.1 / MS-SMB2 2.1 Direct TCP: type 0, 24-bit length."""
    n = len(msg) if length is None else length
    return struct.pack("!I", n) + msg

# ---------------------------------------------------------------- SMB1 (MS-CIFS)


FLAGS2 = 0x4001  # NT_STATUS | LONG_NAMES; OEM strings keep the layouts short


def smb1(cmd, words, data, mid, reply=False, status=0, tid=0, uid=0, pid=0xFEFF, sig=b"\0" * 8):
    """MS-CIFS 2.2.3.1 header, then WordCount, words, ByteCount, bytes."""
    hdr = b"\xffSMB" + struct.pack("<BIBHH8sHHHHH", cmd, status, 0x98 if reply else 0x18,
                                   FLAGS2, 0, sig, 0, tid, pid, uid, mid)
    assert len(words) % 2 == 0
    return hdr + struct.pack("<B", len(words) // 2) + words + struct.pack("<H", len(data)) + data


def smb1_preamble(c, ts, mid0=1):
    """Negotiate NT LM 0.12, anonymous Session Setup, Tree Connect to IPC$ (as the
    nmap smb library does it without extended security). Returns (ts, uid, tid)."""
    uid, tid = 0x0800, 0x0800
    # Negotiate request, MS-CIFS 2.2.4.52.1: one dialect, buffer format 0x02
    ts = c.send(ts, "c", nbss(smb1(0x72, b"", b"\x02NT LM 0.12\x00", mid0)))
    # Negotiate response, MS-CIFS 2.2.4.52.2 (NT LM 0.12, no extended security):
    # DialectIndex 0, SecurityMode 0x03 (user, encrypt; signing disabled: the
    # Windows 7 default), MaxMpxCount 50, MaxNumberVcs 1, MaxBufferSize 16644,
    # MaxRawSize 65536, SessionKey 0, Capabilities 0x0000F3F9 (CAP_UNICODE 0x4
    # clear, so that DomainName is OEM: readers take either Flags2 UNICODE or
    # CAP_UNICODE to mean UTF-16), SystemTime, TimeZone 0, ChallengeLength 8;
    # bytes: Challenge, DomainName (OEM).
    words = struct.pack("<HBHHIIIIQhB", 0, 0x03, 50, 1, 16644, 65536, 0, 0x0000F3F9,
                        133440000000000000, 0, 8)
    ts = c.send(ts, "s", nbss(smb1(0x72, words, b"\x5a\x1f\x33\xc2\x07\x9e\x41\xd0WORKGROUP\x00",
                                   mid0, reply=True)))
    # Session Setup AndX request, MS-CIFS 2.2.4.53.1: no AndX, MaxBufferSize
    # 4356, MaxMpxCount 10, VcNumber 0, SessionKey 0, empty passwords,
    # Capabilities 0xD4; bytes: AccountName "", PrimaryDomain "", NativeOS, NativeLanMan
    words = struct.pack("<BBHHHHIHHII", 0xFF, 0, 0, 4356, 10, 0, 0, 0, 0, 0, 0xD4)
    ts = c.send(ts, "c", nbss(smb1(0x73, words, b"\x00\x00Unix\x00Samba\x00", mid0 + 1)))
    # Session Setup AndX response, 2.2.4.53.2: Action 1 (guest); NativeOS, NativeLanMan, domain
    words = struct.pack("<BBHH", 0xFF, 0, 0, 1)
    ts = c.send(ts, "s", nbss(smb1(0x73, words, b"Windows 7 Professional 7601 Service Pack 1\x00"
                                   b"Windows 7 Professional 6.1\x00WORKGROUP\x00",
                                   mid0 + 1, reply=True, uid=uid)))
    # Tree Connect AndX request, 2.2.4.55.1: Flags 0, PasswordLength 1; Password, Path, Service "?????"
    words = struct.pack("<BBHHH", 0xFF, 0, 0, 0, 1)
    ts = c.send(ts, "c", nbss(smb1(0x75, words, b"\x00\\\\192.0.2.5\\IPC$\x00?????\x00",
                                   mid0 + 2, uid=uid)))
    # Tree Connect AndX response, 2.2.4.55.2: OptionalSupport 1; Service "IPC", NativeFileSystem ""
    words = struct.pack("<BBHH", 0xFF, 0, 0, 1)
    ts = c.send(ts, "s", nbss(smb1(0x75, words, b"IPC\x00\x00", mid0 + 2, reply=True,
                                   uid=uid, tid=tid)))
    return ts, uid, tid


def trans_words(total_param, total_data, max_param, max_data, timeout, param_count, param_off,
                data_count, data_off, setup):
    """Transaction / Transaction2 request words, MS-CIFS 2.2.4.33.1 / 2.2.4.46.1."""
    return struct.pack("<HHHHBBHIHHHHHBB", total_param, total_data, max_param, max_data, 0, 0,
                       0, timeout, 0, param_count, param_off, data_count, data_off,
                       len(setup), 0) + b"".join(struct.pack("<H", s) for s in setup)

# ---------------------------------------------------------------- scenarios


def ms17_010_vulnerable(out):
    """nmap smb-vuln-ms17-010 / Metasploit smb_ms17_010: Trans PeekNamedPipe
    (0x0023) on FID 0 over IPC$; an unpatched server answers
    STATUS_INSUFF_SERVER_RESOURCES (0xC0000205) on the same MID."""
    p = Pcap()
    c = Conn(p, 49180)
    ts = c.handshake(T0)
    ts, uid, tid = smb1_preamble(c, ts)
    # 32 header + 1 WordCount + 32 (16 words) + 2 ByteCount = 67; "\PIPE\" + NUL = 7 -> 74
    words = trans_words(0, 0, 0xFFFF, 0xFFFF, 0, 0, 74, 0, 74, [0x0023, 0x0000])
    ts = c.send(ts, "c", nbss(smb1(0x25, words, b"\\PIPE\\\x00", 64, uid=uid, tid=tid)))
    ts = c.send(ts, "s", nbss(smb1(0x25, b"", b"", 64, reply=True, status=0xC0000205,
                                   uid=uid, tid=tid)))
    c.close(ts)
    p.write(os.path.join(out, "attack-ms17-010-vulnerable.pcap"))


def doublepulsar_implant(out):
    """nmap smb-double-pulsar-backdoor (after Countercept's detection script):
    Trans2 SESSION_SETUP (0x000E), MID 65, Timeout 0x0134EE00 (the implant's
    "ping"), 12 zero parameter bytes. The implant answers STATUS_NOT_IMPLEMENTED
    with MID 65 + 16 = 81 and its XOR key material in the Signature field
    (zerosum0x0, "DoublePulsar Initial SMB Backdoor Ring 0 Shellcode Analysis")."""
    p = Pcap()
    c = Conn(p, 49181)
    ts = c.handshake(T0)
    ts, uid, tid = smb1_preamble(c, ts)
    # 32 + 1 + 30 (15 words) + 2 = 65, one pad byte -> parameters at 66, data at 78
    words = trans_words(12, 0, 1, 0, 0x0134EE00, 12, 66, 0, 78, [0x000E])
    ts = c.send(ts, "c", nbss(smb1(0x32, words, b"\x00" + b"\x00" * 12, 65, uid=uid, tid=tid)))
    ts = c.send(ts, "s", nbss(smb1(0x32, b"", b"", 81, reply=True, status=0xC0000002, uid=uid,
                                   tid=tid, sig=bytes.fromhex("8d3a1c5e00000000"))))
    c.close(ts)
    p.write(os.path.join(out, "attack-doublepulsar-implant.pcap"))


def groom(p, port, ts, marker):
    """EternalBlue srvnet grooming connection (Metasploit ms17_010_eternalblue
    "SMB2 grooms": NBSS length 0xFFF7, "\\xfeSMB" and 124 zero bytes; worawit's
    exploit: the same with the marker "BAAD"); later a slice of the payload body,
    and the 0xFFF7-byte message is never completed."""
    c = Conn(p, port, isn=(port * 7, port * 13))
    ts = c.handshake(ts)
    ts = c.send(ts, "c", struct.pack("!I", 0xFFF7) + marker + b"\x00" * 124)
    return c, ts


def eternalblue(out):
    """The FEA overflow (Check Point Research, "EternalBlue - Everything There Is
    To Know"; RiskSense, "EternalBlue: Exploit Analysis and Port to Microsoft
    Windows 10"): NT Transact, Function 0, TotalDataCount 0x10FE8 and a FEALIST
    whose SizeOfListInBytes is 0x10000, continued by Transaction2 Secondary
    requests on the same <PID, MID, TID, UID>; three grooming connections."""
    p = Pcap()
    c = Conn(p, 49200)
    ts = c.handshake(T0)
    ts, uid, tid = smb1_preamble(c, ts)
    mid = 64
    # NT Transact request, MS-CIFS 2.2.4.62.1: MaxSetupCount 1, TotalParameterCount 30,
    # TotalDataCount 0x10FE8, MaxParameterCount 30, MaxDataCount 0, ParameterCount 30,
    # ParameterOffset 76, DataCount 1000, DataOffset 108, SetupCount 1, Function 0, Setup 0.
    # 32 + 1 + 40 (20 words) + 2 = 75; pad 1 -> parameters 76..106; pad 2 -> data at 108.
    words = struct.pack("<BHIIIIIIIIBHH", 1, 0, 30, 0x10FE8, 30, 0, 30, 76, 1000, 108, 1, 0, 0)
    fea = struct.pack("<I", 0x10000) + b"\x00\x00\x00\x00\x00" * 199 + b"\x00"  # 1000 bytes
    data = b"\x00" + b"\x00" * 30 + b"\x00\x00" + fea
    ts = c.send(ts, "c", nbss(smb1(0xA0, words, data, mid, uid=uid, tid=tid)))
    # interim NT Transact response (STATUS_SUCCESS, no words): send the rest
    ts = c.send(ts, "s", nbss(smb1(0xA0, b"", b"", mid, reply=True, uid=uid, tid=tid)))
    grooms = [groom(p, 49210 + i, ts + 0.001 * i, m)
              for i, m in enumerate([b"\xfeSMB", b"\xfeSMB", b"BAAD"])]
    ts += 0.01
    # Transaction2 Secondary requests, MS-CIFS 2.2.4.47.1, WordCount 9:
    # TotalParameterCount 30, TotalDataCount 0xFFFF, ParameterCount 0,
    # ParameterOffset 0, ParameterDisplacement 0, DataCount 1000,
    # DataOffset 53 (32 + 1 + 18 + 2), DataDisplacement, FID 0
    for disp in (1000, 2000):
        words = struct.pack("<HHHHHHHHH", 30, 0xFFFF, 0, 0, 0, 1000, 53, disp, 0)
        ts = c.send(ts, "c", nbss(smb1(0x33, words, b"\x00" * 1000, mid, uid=uid, tid=tid)))
    for g, gts in grooms:
        body = bytes((0x90 + i) & 0xFF for i in range(200))  # filler, not code
        gts = g.send(ts, "c", body)
        g.close(gts + 0.001)
    c.close(ts + 0.01, rst=False)
    p.write(os.path.join(out, "attack-eternalblue.pcap"))


def smb2_hdr(cmd, mid, reply=False, status=0):
    """MS-SMB2 2.2.1.2 sync header, 64 bytes."""
    return (b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1 if reply else 0, status, cmd,
                                     1, 1 if reply else 0, 0, mid, 0xFEFF, 0, 0) + b"\0" * 16)


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


def ctx(ctype, data):
    """MS-SMB2 2.2.3.1 negotiate context: type, DataLength, Reserved, data."""
    return struct.pack("<HHI", ctype, len(data), 0) + data


def smbghost(out):
    """CVE-2020-0796 (ZecOps, Synacktiv and McAfee analyses, 2020): after an SMB
    3.1.1 Negotiate with the COMPRESSION_CAPABILITIES context (LZNT1), the client
    sends a COMPRESSION_TRANSFORM_HEADER (MS-SMB2 2.2.42) with
    OriginalCompressedSegmentSize 0xFFFFFFFF and Offset 0x10: their 32-bit sum
    wraps in srv2.sys Srv2DecompressData. The server then resets."""
    p = Pcap()
    c = Conn(p, 49300)
    ts = c.handshake(T0)
    salt = bytes(range(0x20, 0x40))
    # PREAUTH_INTEGRITY (1): HashAlgorithmCount 1, SaltLength 32, SHA-512, salt
    pre = ctx(1, struct.pack("<HHH", 1, 32, 1) + salt)
    # COMPRESSION (3): CompressionAlgorithmCount 1, Padding, Flags 0, LZNT1
    comp = ctx(3, struct.pack("<HHIH", 1, 0, 0, 1))
    dialects = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311]
    # Negotiate request, MS-SMB2 2.2.3: StructureSize 36, DialectCount 5,
    # SecurityMode 1 (signing enabled), Capabilities 0x7F, ClientGuid,
    # NegotiateContextOffset 112 (64 + 36 + 10, padded to 8), count 2
    body = struct.pack("<HHHHI16sIHH", 36, len(dialects), 1, 0, 0x7F, b"SMBGHOST-CHECK!!",
                       112, 2, 0) + b"".join(struct.pack("<H", d) for d in dialects)
    msg = pad8(smb2_hdr(0, 0) + body) + pad8(pre) + comp
    ts = c.send(ts, "c", nbss(msg))
    # Negotiate response, MS-SMB2 2.2.4: StructureSize 65, SecurityMode 1,
    # DialectRevision 0x0311, NegotiateContextCount 2, ServerGuid, Capabilities
    # 0x2F, MaxTransact/Read/Write 8 MiB, SystemTime, ServerStartTime 0,
    # SecurityBuffer offset 128 length 0, NegotiateContextOffset 128
    body = struct.pack("<HHHH16sIIIIQQHHI", 65, 1, 0x0311, 2, b"VULN-1909-SERVER", 0x2F,
                       8388608, 8388608, 8388608, 133440000000000000, 0, 128, 0, 128)
    msg = pad8(smb2_hdr(0, 0, reply=True) + body) + pad8(pre) + comp
    ts = c.send(ts, "s", nbss(msg))
    # COMPRESSION_TRANSFORM_HEADER: ProtocolId 0xFC 'SMB', OriginalCompressedSegmentSize
    # 0xFFFFFFFF, CompressionAlgorithm LZNT1 (1), Flags 0, Offset 0x10; then 16
    # uncompressed bytes and a short LZNT1-looking chunk (filler)
    hdr = b"\xfcSMB" + struct.pack("<IHHI", 0xFFFFFFFF, 1, 0, 0x10)
    ts = c.send(ts, "c", nbss(hdr + b"\x41" * 16 + b"\x10\xb0" + b"\x42" * 16), ack=False)
    c.close(ts + 0.001, d="s", rst=True)
    p.write(os.path.join(out, "attack-smbghost.pcap"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "captures")
    os.makedirs(out, exist_ok=True)
    for f in (ms17_010_vulnerable, doublepulsar_implant, eternalblue, smbghost):
        f(out)
    print("wrote 4 synthetic attack captures to", os.path.abspath(out))


if __name__ == "__main__":
    main()
