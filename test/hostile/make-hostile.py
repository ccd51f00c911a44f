#!/usr/bin/python3
"""Write the hostile-input suite: small capture files made by hand,
one per named case, into test/hostile/cases/, and their expected outcomes into
test/hostile/cases.tsv.

    make-hostile.py                 rewrite cases/ and cases.tsv (next to this script)
    make-hostile.py --out DIR       write them under DIR instead
    make-hostile.py --generated DIR write the large cases (the 1 million SYN flood, a
                                    256 KiB frame) into DIR; cases.tsv lists them as
                                    gen/NAME and run-hostile.sh makes them at test time

Standard library only. Checksums are left 0 (smbneg does not verify them). Each
hostile frame or message is followed, in the same file, by a "canary": a valid SMB2
Negotiate exchange on another connection (server 10.99.99.99:445), so a case can check
that processing went on after the hostile bytes.

Expectations are what README and the MS-SMB2/MS-CIFS sections cited per case demands, not what smbneg happens to
print: malformed traffic gives an anomaly (a name from src/anomaly.c, or a counter of
the `file` event) and processing goes on; a file that cannot be read gives exit 2 and a
message naming the file, the reason and, for a corrupt file, the byte offset.
"""

import argparse
import os
import struct
import subprocess
import sys

# --------------------------------------------------------------------------
# pcap and pcapng containers

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101


class Pcap:
    """A classic pcap file built in memory; remembers where each record starts."""

    def __init__(self, linktype=LINKTYPE_ETHERNET, snaplen=262144, nano=False, big_endian=False):
        self.e = '>' if big_endian else '<'
        self.nano = nano
        magic = 0xA1B23C4D if nano else 0xA1B2C3D4
        self.buf = bytearray(struct.pack(self.e + 'IHHiIII', magic, 2, 4, 0, 0, snaplen, linktype))
        self.t = 1700000000
        self.frac = 0
        self.offsets = []

    def record(self, data, caplen=None, origlen=None, ts=None):
        if ts is None:
            self.frac += 1000
            ts = (self.t, self.frac)
        cl = len(data) if caplen is None else caplen
        ol = len(data) if origlen is None else origlen
        self.offsets.append(len(self.buf))
        self.buf += struct.pack(self.e + 'IIII', ts[0], ts[1], cl, ol)
        self.buf += data

    def frames(self, frames):
        for f in frames:
            self.record(f)

    def raw(self, data):
        self.buf += data

    def bytes(self):
        return bytes(self.buf)


def pcapng_block(btype, body):
    body = body + b'\0' * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack('<II', btype, total) + body + struct.pack('<I', total)


def pcapng_shb():
    return pcapng_block(0x0A0D0D0A, struct.pack('<IHHq', 0x1A2B3C4D, 1, 0, -1))


def pcapng_idb(linktype=LINKTYPE_ETHERNET, snaplen=262144):
    return pcapng_block(0x00000001, struct.pack('<HHI', linktype, 0, snaplen))


def pcapng_epb(data, ts=1700000000000000, iface=0):
    return pcapng_block(0x00000006, struct.pack('<IIIII', iface, ts >> 32, ts & 0xFFFFFFFF,
                                                len(data), len(data)) + data)


# --------------------------------------------------------------------------
# Link, IP and TCP

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def ip4(s):
    return bytes(int(x) for x in s.split('.'))


def ip6(s):
    head, _, tail = s.partition('::')
    h = [int(x, 16) for x in head.split(':') if x]
    t = [int(x, 16) for x in tail.split(':') if x]
    return struct.pack('>8H', *(h + [0] * (8 - len(h) - len(t)) + t))


def eth(payload, ethertype=0x0800, vlans=()):
    hdr = b'\x00\x11\x22\x33\x44\x55' + b'\x00\x66\x77\x88\x99\xaa'
    for tpid, vid in vlans:
        hdr += struct.pack('>HH', tpid, vid)
    return hdr + struct.pack('>H', ethertype) + payload


def ipv4(src, dst, payload, proto=6, ihl=5, total=None, frag=0, options=b''):
    hlen = 20 + len(options)
    if total is None:
        total = hlen + len(payload)
    return struct.pack('>BBHHHBBH4s4s', 0x40 | (ihl & 0x0F), 0, total & 0xFFFF, 0x1234, frag, 64,
                       proto, 0, ip4(src), ip4(dst)) + options + payload


def ipv6(src, dst, payload, nxt=6, ext=b'', plen=None):
    if plen is None:
        plen = len(ext) + len(payload)
    return struct.pack('>IHBB16s16s', 0x60000000, plen & 0xFFFF, nxt, 64, ip6(src), ip6(dst)) + ext + payload


def ext_opts(nxt, units=0):
    """A hop-by-hop / destination options / routing header of (units+1)*8 bytes."""
    return struct.pack('>BB', nxt, units) + b'\0' * (units * 8 + 6)  # Pad1 options


def tcp(sport, dport, seq, ack, flags, payload=b'', doff=5, options=b''):
    return struct.pack('>HHIIBBHHH', sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                       (doff & 0x0F) << 4, flags, 65535, 0, 0) + options + payload


class Conv:
    """A TCP connection: builds frames in both directions (0 client, 1 server)."""

    def __init__(self, cli='10.0.0.1', srv='10.0.0.2', cport=49152, sport=445,
                 isn=(1000, 50000), v6=False, wrap=None):
        self.ip = (cli, srv)
        self.port = (cport, sport)
        self.seq = [isn[0], isn[1]]
        self.v6 = v6
        self.wrap = wrap  # f(dir, tcp_bytes) -> frame, overrides the default Ethernet/IP

    def frame(self, d, seg):
        if self.wrap:
            return self.wrap(self, d, seg)
        if self.v6:
            return eth(ipv6(self.ip[d], self.ip[1 - d], seg), 0x86DD)
        return eth(ipv4(self.ip[d], self.ip[1 - d], seg))

    def seg(self, d, flags, payload=b'', seq=None, **kw):
        s = self.seq[d] if seq is None else seq
        return self.frame(d, tcp(self.port[d], self.port[1 - d], s, self.seq[1 - d], flags, payload, **kw))

    def handshake(self):
        f = [self.seg(0, SYN)]
        self.seq[0] = (self.seq[0] + 1) & 0xFFFFFFFF
        f.append(self.seg(1, SYN | ACK))
        self.seq[1] = (self.seq[1] + 1) & 0xFFFFFFFF
        f.append(self.seg(0, ACK))
        return f

    def send(self, d, data, mss=1400):
        f = []
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            f.append(self.seg(d, PSH | ACK, chunk))
            self.seq[d] = (self.seq[d] + len(chunk)) & 0xFFFFFFFF
        return f

    def close(self):
        f = [self.seg(0, FIN | ACK)]
        self.seq[0] = (self.seq[0] + 1) & 0xFFFFFFFF
        f.append(self.seg(1, FIN | ACK))
        self.seq[1] = (self.seq[1] + 1) & 0xFFFFFFFF
        f.append(self.seg(0, ACK))
        return f


# --------------------------------------------------------------------------
# NBSS, SMB1, SMB2

def nbss(msg, typ=0x00, length=None):
    n = len(msg) if length is None else length
    return struct.pack('>B', typ) + struct.pack('>I', n)[1:] + msg


KEEPALIVE = b'\x85\x00\x00\x00'

SMB2_NEGOTIATE, SMB2_SESSION_SETUP, SMB2_ECHO = 0x0000, 0x0001, 0x000D
SMB2_FLAGS_SERVER_TO_REDIR = 0x00000001
GUID_C = bytes(range(0x10, 0x20))
GUID_S = bytes(range(0x40, 0x50))


def smb2_header(command, response=False, mid=0, status=0, next_command=0, flags=0,
                structure_size=64, session=0):
    f = flags | (SMB2_FLAGS_SERVER_TO_REDIR if response else 0)
    return struct.pack('<4sHHIHHIIQIIQ16s', b'\xfeSMB', structure_size, 0, status, command, 1, f,
                       next_command, mid, 0, 0, session, b'\0' * 16)


def ctx(ctype, data, length=None):
    n = len(data) if length is None else length
    return struct.pack('<HHI', ctype, n, 0) + data


def ctx_preauth():
    return ctx(1, struct.pack('<HHH', 1, 32, 1) + bytes(range(32)))


def ctx_encryption(ids=(2, 1)):
    return ctx(2, struct.pack('<H', len(ids)) + b''.join(struct.pack('<H', i) for i in ids))


def ctx_signing(ids=(2, 1)):
    return ctx(8, struct.pack('<H', len(ids)) + b''.join(struct.pack('<H', i) for i in ids))


def pad8(b):
    return b + b'\0' * (-len(b) % 8)


def join_ctx(contexts):
    """Contexts, each but the last padded to 8 bytes (MS-SMB2 2.2.3.1)."""
    out = b''
    for i, c in enumerate(contexts):
        out += c if i == len(contexts) - 1 else pad8(c)
    return out


def smb2_negotiate_request(dialects=(0x0202, 0x0210, 0x0300, 0x0302, 0x0311), security_mode=1,
                           contexts=None, ctx_offset=None, ctx_count=None, dialect_count=None,
                           structure_size=36, mid=0, hdr=None):
    if contexts is None:
        contexts = [ctx_preauth(), ctx_encryption(), ctx_signing()] if 0x0311 in dialects else []
    body_len = 36 + 2 * len(dialects)
    off = 64 + body_len + (-(64 + body_len) % 8)
    if ctx_offset is None:
        ctx_offset = off if contexts else 0
    if ctx_count is None:
        ctx_count = len(contexts)
    if dialect_count is None:
        dialect_count = len(dialects)
    h = hdr if hdr is not None else smb2_header(SMB2_NEGOTIATE, mid=mid)
    body = struct.pack('<HHHHI16sIHH', structure_size, dialect_count, security_mode, 0, 0x7F, GUID_C,
                       ctx_offset, ctx_count, 0)
    body += b''.join(struct.pack('<H', d) for d in dialects)
    msg = h + body
    if contexts:
        msg = pad8(msg) + join_ctx(contexts)
    return msg


def smb2_negotiate_response(dialect=0x0311, security_mode=1, secbuf=b'\x60\x48' + b'\x06' * 70,
                            contexts=None, ctx_offset=None, ctx_count=None, secbuf_offset=None,
                            secbuf_length=None, structure_size=65, mid=0, status=0, hdr=None):
    if contexts is None:
        contexts = [ctx_preauth(), ctx_encryption((2,)), ctx_signing((2,))] if dialect == 0x0311 else []
    buf_off = 128
    after = buf_off + len(secbuf)
    cofs = after + (-after % 8)
    if ctx_offset is None:
        ctx_offset = cofs if contexts else 0
    if ctx_count is None:
        ctx_count = len(contexts)
    h = hdr if hdr is not None else smb2_header(SMB2_NEGOTIATE, response=True, mid=mid, status=status)
    body = struct.pack('<HHHH16sIIIIQQHHI', structure_size, security_mode, dialect, ctx_count, GUID_S,
                       0x07, 8388608, 8388608, 8388608, 134397893250796360, 0,
                       buf_off if secbuf_offset is None else secbuf_offset,
                       len(secbuf) if secbuf_length is None else secbuf_length, ctx_offset)
    msg = h + body + secbuf
    if contexts:
        msg = pad8(msg) + join_ctx(contexts)
    return msg


SMB1_NEGOTIATE = 0x72
NT_LM = b'NT LM 0.12'


def smb1_header(command, reply=False, flags2=0xC843, status=0):
    flags = 0x18 | (0x80 if reply else 0)
    return struct.pack('<4sBIBHH8sHHHHH', b'\xffSMB', command, status, flags, flags2, 0, b'\0' * 8, 0,
                       0, 0xFEFF, 0, 1)


def smb1_negotiate_request(dialect_bytes, word_count=0, byte_count=None, words=b''):
    bc = len(dialect_bytes) if byte_count is None else byte_count
    return smb1_header(SMB1_NEGOTIATE) + bytes([word_count]) + words + struct.pack('<H', bc) + dialect_bytes


def dialects1(*names):
    return b''.join(b'\x02' + n + b'\x00' for n in names)


def smb1_negotiate_response(index=0, security_mode=0x0F, challenge_length=8, bytes_=None,
                            byte_count=None, word_count=17, words=None, caps=0x0000E3FC):
    if bytes_ is None:
        bytes_ = b'\x11' * 8 + 'WORKGROUP\0'.encode('utf-16-le')
    if words is None:
        words = struct.pack('<HBHHIIIIQhB', index, security_mode, 50, 1, 16644, 65536, 0, caps,
                            134397893250796360, 0, challenge_length)
    bc = len(bytes_) if byte_count is None else byte_count
    return smb1_header(SMB1_NEGOTIATE, reply=True) + bytes([word_count]) + words + struct.pack('<H', bc) + bytes_


# --------------------------------------------------------------------------
# Building blocks of the cases

HOST_C, HOST_S = '10.0.0.1', '10.0.0.2'
CANARY_SRV = '10.99.99.99'


def canary(**kw):
    """A complete, valid SMB2 3.1.1 Negotiate exchange to 10.99.99.99:445, closed by FIN."""
    c = Conv(cli='10.99.99.1', srv=CANARY_SRV, cport=50000, sport=445, **kw)
    f = c.handshake()
    f += c.send(0, nbss(smb2_negotiate_request()))
    f += c.send(1, nbss(smb2_negotiate_response()))
    f += c.close()
    return f


def exchange(req=None, resp=None, conv=None, close=True):
    """Hostile conversation 10.0.0.1:49152 -> 10.0.0.2:445 with the given messages (NBSS
    framed already)."""
    c = conv or Conv()
    f = c.handshake()
    if req is not None:
        f += c.send(0, req)
    if resp is not None:
        f += c.send(1, resp)
    if close:
        f += c.close()
    return f


def pcap_of(*frame_lists, **kw):
    p = Pcap(**kw)
    for fl in frame_lists:
        p.frames(fl)
    return p


# Regular expressions over the output (stdout and stderr, line by line): a term is an
# ERE; terms are joined by " && "; a term starting with "!" must match no line.
CANARY_RE = r'"event":"conversation",.*"file":"[^"]*","client":"10\.99\.99\.1:50000","server":"10\.99\.99\.99:445","smb_version":2,"dialect":"3\.1\.1"'
HOSTILE_CONV6 = r'"event":"conversation",.*"file":"[^"]*","client":"\[2001:db8::1\]:49152","server":"\[2001:db8::2\]:445"'
HOSTILE_CONV = r'"event":"conversation",.*"file":"[^"]*","client":"10\.0\.0\.1:49152","server":"10\.0\.0\.2:(445|139)"'


def anom(name, event='conversation'):
    """name appears in the anomalies of an event of the kind given (negotiate or conversation)."""
    return r'"event":"%s".*"anomalies":\[[^]]*"%s"' % (event, name)


def conv_anom(name):
    return HOSTILE_CONV + r'[^}]*"anomalies":\[[^]]*"%s"' % name


def counter(name, at_least=1):
    if at_least == 1:
        return r'"event":"file"[^}]*"%s":[1-9][0-9]*' % name
    return r'"event":"file"[^}]*"%s":%s' % (name, at_least)


def both(*terms):
    return ' && '.join(terms)


def read_error(fname, offsets):
    """exit 2 message: smbneg: PATH/FNAME: ... byte offset N (N one of offsets)."""
    alts = '|'.join(str(o) for o in sorted(set(offsets)))
    return r'smbneg: [^ ]*%s: [^"]*byte offset (%s)([^0-9]|$)' % (re_escape(fname), alts)


def open_error(fname, reason):
    return r'smbneg: [^ ]*%s: [^"]*(%s)' % (re_escape(fname), reason)


def re_escape(s):
    return ''.join('\\' + ch if ch in '.^$*+?()[]{}|\\' else ch for ch in s)


# --------------------------------------------------------------------------
# The cases

CASES = []  # (file, description, exit, regex, max_secs, max_rss_mib)
FILES = {}


def case(name, desc, data, exit_status, regex, secs='', rss=''):
    assert name not in FILES, name
    assert '\t' not in desc and '\t' not in regex
    FILES[name] = data.bytes() if isinstance(data, Pcap) else data
    CASES.append((name, desc, str(exit_status), regex, str(secs), str(rss)))


def build_cases():
    # ---- the container -------------------------------------------------------
    case('not-a-pcap.pcap', 'a text file, not a capture',
         b'This is not a capture file, it is a shopping list.\n' * 4, 2,
         open_error('not-a-pcap.pcap', 'unknown file format|not a (readable )?(pcap|capture)|format'))

    case('empty.pcap', 'an empty file', b'', 2,
         open_error('empty.pcap', 'empty|truncated|only got 0|0 bytes|too short|format'))

    good = pcap_of(canary()).bytes()
    case('truncated-global-header.pcap', 'the 24-byte pcap header cut after 12 bytes', good[:12], 2,
         open_error('truncated-global-header.pcap', 'truncated|only got|too short|format'))

    p = pcap_of(canary())
    rec = len(p.buf)
    p.raw(struct.pack('<II', 1700000001, 0))  # 8 of the 16 bytes of a record header
    case('truncated-record-header.pcap', 'a valid conversation, then 8 bytes of a 16-byte record header',
         p, 2, both(CANARY_RE, read_error('truncated-record-header.pcap', [rec, len(p.buf)])))

    p = pcap_of(canary())
    frame = exchange(nbss(smb2_negotiate_request()))[3]
    rec = len(p.buf)
    p.raw(struct.pack('<IIII', 1700000001, 0, len(frame), len(frame)) + frame[:len(frame) // 2])
    case('ends-mid-packet.pcap', 'a valid conversation, then a record whose data stops half way',
         p, 2, both(CANARY_RE, read_error('ends-mid-packet.pcap', [rec, rec + 16, len(p.buf)])))

    for name, caplen, desc in (
            ('caplen-256k-cut.pcap', 262144, 'record caplen 256 KiB (the maximum), file ends after 100 bytes'),
            ('caplen-256k-plus-1.pcap', 262145, 'record caplen 262145, one byte over libpcap\'s maximum'),
            ('caplen-4g.pcap', 0xFFFFFFFF, 'record caplen 0xFFFFFFFF')):
        p = pcap_of(canary())
        rec = len(p.buf)
        p.raw(struct.pack('<IIII', 1700000001, 0, caplen, caplen) + frame[:100])
        case(name, desc + ', after a valid conversation', p, 2,
             both(CANARY_RE, read_error(name, [rec, rec + 16, len(p.buf)])), rss=64)

    # caplen above the file's snaplen (but sane): libpcap keeps the first snaplen bytes,
    # so the frame is cut (frames_truncated) and the rest of the file is read.
    p = Pcap(snaplen=80)
    c = Conv()
    fr = c.handshake() + c.send(0, nbss(smb2_negotiate_request()))
    p.frames(fr)
    p.frames(c.close())
    case('caplen-gt-snaplen.pcap', 'snaplen 80 in the header, a 270-byte record (caplen > snaplen)',
         p, 0, both(counter('frames_truncated'), conv_anom('truncated-message')))

    p = pcap_of(canary())
    f = exchange(nbss(smb2_negotiate_request()))
    for x in f:
        p.record(x, caplen=len(x), origlen=40)  # caplen > len: inconsistent record header
    case('caplen-gt-len.pcap', 'records with caplen > len (original length 40)', p, 0, both(CANARY_RE))

    case('linktype-unknown.pcap', 'link type 147 (USER0)', pcap_of(canary(), linktype=147), 2,
         open_error('linktype-unknown.pcap', 'link type 147'))

    case('linktype-huge.pcap', 'link type 0xFFFF', pcap_of(canary(), linktype=0xFFFF), 2,
         open_error('linktype-huge.pcap', 'link type|linktype|LINKTYPE'))

    p = pcap_of(canary(), nano=True)
    for i, off in enumerate(p.offsets):  # nanosecond fractions
        struct.pack_into('<I', p.buf, off + 4, 123456789 + i)
    case('pcap-nanosecond.pcap', 'nanosecond pcap (magic a1b23c4d), fractions .123456789', p, 0,
         both(CANARY_RE, r'"ts":"2023-11-14T22:13:20\.123456Z"'))

    case('pcap-big-endian.pcap', 'a big-endian pcap', pcap_of(canary(), big_endian=True), 0, CANARY_RE)

    p = pcap_of(canary())
    for off in p.offsets:  # tv_usec out of range, tv_sec at the end of the 32-bit range
        struct.pack_into('<II', p.buf, off, 0xFFFFFFFF, 999999999)
    case('timestamp-out-of-range.pcap', 'ts_sec 0xFFFFFFFF, ts_usec 999999999 (> 10^6)', p, 0,
         both(CANARY_RE, r'"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"',
              r'!"ts":"[^"]*\.[0-9]{7,}Z"'))

    ng = pcapng_shb() + pcapng_idb()
    ng += pcapng_block(0x0BADB10C, b'unknown block type, to be skipped')
    for i, f in enumerate(canary()):
        ng += pcapng_epb(f, ts=1700000000000000 + i)
        if i == 2:
            ng += pcapng_block(0x00000BAD, b'\xff' * 64)
    case('pcapng-unknown-block.pcapng', 'pcapng with two blocks of unknown types among the packets',
         ng, 0, CANARY_RE)

    ng = pcapng_shb() + pcapng_idb()
    for i, f in enumerate(canary()):
        ng += pcapng_epb(f, ts=1700000000000000 + i)
    rec = len(ng)
    ng += struct.pack('<II', 0x00000006, 0xFFFFFFF0) + b'\0' * 40
    case('pcapng-block-length-lie.pcapng', 'pcapng block whose total length is 0xFFFFFFF0', ng, 2,
         both(CANARY_RE, read_error('pcapng-block-length-lie.pcapng', [rec, rec + 8, len(ng)])), rss=64)

    ng = pcapng_shb() + pcapng_idb()
    for i, f in enumerate(canary()):
        ng += pcapng_epb(f, ts=1700000000000000 + i)
    rec = len(ng)
    ng += pcapng_epb(canary()[3])[:60]
    case('pcapng-truncated-block.pcapng', 'pcapng whose last packet block is cut', ng, 2,
         both(CANARY_RE, read_error('pcapng-truncated-block.pcapng', [rec, rec + 8, len(ng)])))

    # ---- link layer ---------------------------------------------------------------
    def vlan_wrap(tags):
        def w(c, d, seg):
            return eth(ipv4(c.ip[d], c.ip[1 - d], seg), 0x0800, vlans=tags)
        return w

    eight = [(0x88A8, 100)] + [(0x8100, 200 + i) for i in range(7)]
    case('vlan-stack-8.pcap', '8 stacked 802.1ad/802.1Q tags (the documented depth)',
         pcap_of(exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()),
                          conv=Conv(wrap=vlan_wrap(eight))), canary()), 0,
         both(HOSTILE_CONV + r'[^}]*"anomalies":\[\]', CANARY_RE))
    nine = [(0x8100, i) for i in range(9)]
    case('vlan-stack-9.pcap', '9 stacked 802.1Q tags around an SMB conversation',
         pcap_of(exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()),
                          conv=Conv(wrap=vlan_wrap(nine))), canary()), 0,
         both('(%s|%s)' % (counter('frames_malformed'), HOSTILE_CONV), CANARY_RE))
    deep = [(0x8100, i) for i in range(300)]
    case('vlan-stack-300.pcap', '300 stacked 802.1Q tags',
         pcap_of(exchange(nbss(smb2_negotiate_request()), conv=Conv(wrap=vlan_wrap(deep))), canary()), 0,
         both('(%s|%s)' % (counter('frames_malformed'), HOSTILE_CONV), CANARY_RE))

    def raw_wrap(c, d, seg):
        return ipv4(c.ip[d], c.ip[1 - d], seg)

    p = Pcap(linktype=LINKTYPE_RAW)
    p.record(b'\x50' + b'\0' * 39)  # IP version 5
    p.record(b'')                   # an empty frame
    p.frames(exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()),
                      conv=Conv(wrap=raw_wrap)))
    case('link-raw-bad-version.pcap', 'raw IP: a version-5 packet and an empty frame, then a conversation',
         p, 0, both(counter('frames_malformed'), HOSTILE_CONV))

    # ---- IPv4 -------------------------------------------------------------------
    seg = tcp(49152, 445, 1001, 50001, PSH | ACK, nbss(smb2_negotiate_request()))
    for name, desc, pkt in (
            ('ipv4-ihl-short.pcap', 'IPv4 header length 16 (IHL 4)', ipv4(HOST_C, HOST_S, seg, ihl=4)),
            ('ipv4-ihl-over-total.pcap', 'IPv4 IHL 15 (60 bytes) with total length 40',
             ipv4(HOST_C, HOST_S, seg, ihl=15, total=40)),
            ('ipv4-total-short.pcap', 'IPv4 total length 30: no room for a TCP header',
             ipv4(HOST_C, HOST_S, seg, total=30)),
            ('ipv4-total-below-ihl.pcap', 'IPv4 total length 8, below the header length',
             ipv4(HOST_C, HOST_S, seg, total=8))):
        case(name, desc + ', then a valid conversation', pcap_of([eth(pkt)], canary()), 0,
             both(counter('frames_malformed'), CANARY_RE))

    case('ipv4-ihl-beyond-frame.pcap', 'IPv4 IHL 15 and total length 1500 in a 54-byte frame',
         pcap_of([eth(ipv4(HOST_C, HOST_S, tcp(49152, 445, 1, 1, ACK), ihl=15, total=1500))], canary()), 0,
         both('(%s|%s)' % (counter('frames_malformed'), counter('frames_truncated')), CANARY_RE))

    # Total length larger than the frame (which was captured whole): a lie.
    c = Conv()
    f = c.handshake()
    req = nbss(smb2_negotiate_request())

    def lie_total(c2, d, s):
        return eth(ipv4(c2.ip[d], c2.ip[1 - d], s, total=1400))
    real = c.wrap
    c.wrap = lie_total
    f += c.send(0, req)
    c.wrap = real
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('ipv4-total-long.pcap', 'IPv4 total length 1400 in a frame captured whole with 270 bytes', 
         pcap_of(f, canary()), 0,
         both('(%s|%s|%s)' % (counter('frames_malformed'), counter('frames_truncated'),
                              conv_anom('truncated-message')), CANARY_RE))

    c = Conv()
    f = c.handshake()
    data = tcp(49152, 445, c.seq[0], c.seq[1], PSH | ACK, nbss(smb2_negotiate_request()))
    f.append(eth(ipv4(HOST_C, HOST_S, data[:96], frag=0x2000)))           # MF, offset 0
    f.append(eth(ipv4(HOST_C, HOST_S, data[96:], frag=96 // 8)))          # last fragment
    case('ipv4-fragments.pcap', 'a Negotiate request in two IPv4 fragments (skipped and counted)',
         pcap_of(f, canary()), 0, both(counter('ip_fragments_skipped', 2), CANARY_RE))

    def pad_wrap(c2, d, s):
        return eth(ipv4(c2.ip[d], c2.ip[1 - d], s)) + b'\xaa' * 30
    case('ethernet-padding.pcap', '30 bytes of trailer after every IPv4 datagram (total length is right)',
         pcap_of(exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()),
                          conv=Conv(wrap=pad_wrap))), 0,
         both(HOSTILE_CONV + r'[^}]*"anomalies":\[\]', r'"direction":"response".*"anomalies":\[\]',
              r'!"anomalies":\["'))

    # ---- TCP header -------------------------------------------------------------
    for name, desc, s in (
            ('tcp-doff-short.pcap', 'TCP data offset 4 (16 bytes)',
             tcp(49152, 445, 1, 1, PSH | ACK, b'\0' * 40, doff=4)),
            ('tcp-doff-long.pcap', 'TCP data offset 15 (60 bytes) in a 30-byte segment',
             tcp(49152, 445, 1, 1, PSH | ACK, b'\0' * 10, doff=15)),
            ('tcp-doff-zero.pcap', 'TCP data offset 0', tcp(49152, 445, 1, 1, PSH | ACK, b'\0' * 40, doff=0))):
        case(name, desc + ', then a valid conversation', pcap_of([eth(ipv4(HOST_C, HOST_S, s))], canary()), 0,
             both(counter('frames_malformed'), CANARY_RE))

    # ---- TCP reassembly ---------------------------------------------------------
    def split(b, n):
        return [b[i:i + n] for i in range(0, len(b), n)]

    c = Conv(isn=(0xFFFFFF80, 0xFFFFFFF0))
    f = c.handshake()
    req = nbss(smb2_negotiate_request())
    parts = split(req, 60)  # crosses 2^32 in the 3rd segment
    segs = []
    for part in parts:
        segs.append(c.seg(0, PSH | ACK, part))
        c.seq[0] = (c.seq[0] + len(part)) & 0xFFFFFFFF
    f += [segs[0], segs[2], segs[1]] + segs[3:]  # one out of order, across the wrap
    f += c.send(1, nbss(smb2_negotiate_response()), mss=50)
    f += c.send(0, nbss(smb2_header(SMB2_ECHO, mid=1) + struct.pack('<HH', 4, 0)))
    f += c.close()
    case('tcp-seq-wraparound.pcap', 'client ISN 0xFFFFFF80, server 0xFFFFFFF0: both streams cross 2^32 '
         '(one segment out of order across the wrap)', pcap_of(f), 0,
         both(r'"direction":"request".*"dialect_count":5,.*"anomalies":\[\]',
              r'"direction":"response".*"dialect_id":785,.*"anomalies":\[\]',
              HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]'))

    # Overlapping retransmissions with different bytes.
    c = Conv()
    f = c.handshake()
    req = nbss(smb2_negotiate_request())
    base = c.seq[0]
    a, b2 = req[:100], req[100:]
    evil = bytes(x ^ 0x5A for x in b2)
    f.append(c.seg(0, PSH | ACK, b2, seq=base + 100))    # out of order: queued
    f.append(c.seg(0, PSH | ACK, evil, seq=base + 100))  # same range, other bytes
    f.append(c.seg(0, PSH | ACK, a, seq=base))
    c.seq[0] = base + len(req)
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('tcp-overlap-conflict-queued.pcap', 'an out-of-order segment queued, then a copy of it with other bytes',
         pcap_of(f, canary()), 0, both(conv_anom('tcp-overlap-conflict'), CANARY_RE))

    c = Conv()
    f = c.handshake()
    base = c.seq[0]
    f.append(c.seg(0, PSH | ACK, req[:120], seq=base))
    f.append(c.seg(0, PSH | ACK, req[60:90] + bytes(x ^ 0xFF for x in req[90:120]) + req[120:], seq=base + 60))
    c.seq[0] = base + len(req)
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('tcp-overlap-conflict-delivered.pcap', 'a retransmission that overlaps bytes already delivered, '
         'with 30 of them different (first copy must win, the conflict reported)', pcap_of(f, canary()), 0,
         both(r'"direction":"request".*"dialect_count":5,.*"anomalies":\[\]',
              conv_anom('tcp-overlap-conflict'), CANARY_RE))

    # The evasion in full: a whole delivered message retransmitted with other bytes
    # (a receiver that keeps the second copy sees another message than the analyser).
    # Client side: another dialect list; server side: dialect 2.1 instead of 3.1.1.
    def retransmitted_other(side, good, evil):
        c = Conv()
        f = c.handshake()
        if side == 1:
            f += c.send(0, req)
        base = c.seq[side]
        f.append(c.seg(side, PSH | ACK, good, seq=base))
        evil = evil[:len(good)] + bytes(max(0, len(good) - len(evil)))  # same length
        f.append(c.seg(side, PSH | ACK, evil, seq=base))
        c.seq[side] = base + len(good)
        if side == 0:
            f += c.send(1, nbss(smb2_negotiate_response()))
        return pcap_of(f + c.close(), canary())

    case('tcp-overlap-conflict-delivered-whole.pcap', 'a whole delivered Negotiate request '
         'retransmitted with another dialect list (first copy must win, the conflict reported)',
         retransmitted_other(0, req, nbss(smb2_negotiate_request(dialects=(0x0202,)))), 0,
         both(r'"direction":"request".*"dialect_count":5,.*"anomalies":\[\]',
              conv_anom('tcp-overlap-conflict'), CANARY_RE))
    case('tcp-overlap-conflict-delivered-response.pcap', 'a delivered Negotiate response '
         'retransmitted with dialect 2.1 instead of 3.1.1 (first copy wins, conflict reported)',
         retransmitted_other(1, nbss(smb2_negotiate_response()),
                             nbss(smb2_negotiate_response(dialect=0x0210))), 0,
         both(r'"direction":"response".*"dialect_id":785,',
              conv_anom('tcp-overlap-conflict'), CANARY_RE))

    c = Conv()
    f = c.handshake()
    for s in c.send(0, nbss(smb2_negotiate_request()), mss=40):
        f += [s, s]  # every segment twice
    base = c.seq[1]
    resp = nbss(smb2_negotiate_response())
    f.append(c.seg(1, PSH | ACK, resp[:150], seq=base))
    f.append(c.seg(1, PSH | ACK, resp[100:], seq=base + 100))  # overlaps with the same bytes
    f.append(c.seg(1, PSH | ACK, resp[:50], seq=base))          # old, same bytes
    c.seq[1] = base + len(resp)
    f += c.close()
    case('tcp-retransmit-same-bytes.pcap', 'duplicate and overlapping retransmissions with the same bytes: '
         'no anomaly', pcap_of(f), 0,
         both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]'))

    # Out-of-order flood: the first segment is missing, 400 later ones wait (queue cap 256).
    c = Conv()
    f = c.handshake()
    base = c.seq[0]
    big = nbss(smb2_negotiate_request()) + nbss(b'\xfeSMB' + b'\0' * 3996)
    chunks = split(big, 10)
    for i in range(len(chunks) - 1, 0, -1):
        f.append(c.seg(0, PSH | ACK, chunks[i], seq=base + 10 * i))
    f.append(c.seg(0, PSH | ACK, chunks[0], seq=base))
    c.seq[0] = base + len(big)
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('tcp-out-of-order-flood.pcap', '417 segments in reverse order (more than the 256 the queue holds)',
         pcap_of(f, canary()), 0, both(conv_anom('tcp-out-of-order-overflow'), CANARY_RE), rss=64)

    # ---- NBSS -------------------------------------------------------------------
    c = Conv(sport=139)
    f = c.handshake()
    f += c.send(0, b'\x00\x01\xff\xff' + smb2_negotiate_request())  # E bit: length 0x1FFFFFF
    f += c.close()
    # RFC 1002 4.3.1: on 139 the length has 17 bits (E bit + 16), so 0x1FFFF is the largest
    # that can be written; the 24-bit 0xFFFFFF of port 445 is below.
    case('nbss-length-1ffff-139.pcap', 'on port 139, NBSS length 0x1FFFF (E bit set, the maximum) and 200 bytes',
         pcap_of(f, canary()), 0, both(conv_anom('truncated-message'), CANARY_RE), rss=64)

    c = Conv()
    f = c.handshake()
    f += c.send(0, b'\x00\xff\xff\xff' + smb2_negotiate_request())
    f += c.send(0, b'\x55' * 20000)  # some of the 16 MiB, skipped by length
    f += c.close()
    case('nbss-length-ffffff-445.pcap', 'on port 445, NBSS length 0xFFFFFF, 20 KB of it sent',
         pcap_of(f, canary()), 0, both(conv_anom('truncated-message'), CANARY_RE), rss=64)

    c = Conv()
    f = c.handshake()
    f += c.send(0, KEEPALIVE * 3 + nbss(smb2_negotiate_request()) + KEEPALIVE)
    f += c.send(1, KEEPALIVE + nbss(smb2_negotiate_response()) + KEEPALIVE * 2)
    f += c.send(0, KEEPALIVE + nbss(smb2_header(SMB2_ECHO, mid=1) + struct.pack('<HH', 4, 0)) + KEEPALIVE)
    f += c.close()
    case('nbss-keepalive-every-message.pcap', 'NBSS keepalives before and after every message: no anomaly',
         pcap_of(f), 0, both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]',
                             r'"direction":"request".*"anomalies":\[\]'))

    c = Conv()
    f = c.handshake()
    stream0 = KEEPALIVE + nbss(smb2_negotiate_request()) + KEEPALIVE + KEEPALIVE
    stream1 = KEEPALIVE + nbss(smb2_negotiate_response()) + KEEPALIVE
    f += c.send(0, stream0, mss=1) + c.send(1, stream1, mss=1) + c.close()
    case('nbss-keepalive-bytewise.pcap', 'every TCP segment carries one byte; keepalives between the messages',
         pcap_of(f), 0, both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]',
                             r'"direction":"response".*"anomalies":\[\]'))

    c = Conv()
    f = c.handshake()
    f += c.send(0, KEEPALIVE * 3000 + nbss(smb2_negotiate_request()))
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('nbss-keepalive-flood.pcap', '3000 keepalives, then the Negotiate', pcap_of(f), 0,
         HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]')

    c = Conv()
    f = c.handshake()
    req = nbss(smb2_negotiate_request())
    f += c.send(0, b''.join(KEEPALIVE + req[i:i + 1] for i in range(len(req))))
    f += c.send(0, nbss(smb2_negotiate_request(mid=1)))
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('nbss-keepalive-every-byte.pcap', 'a keepalive between every byte of a message (not valid NBSS), '
         'then a valid Negotiate', pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r'[^}]*"anomalies":\["', CANARY_RE))

    c = Conv()
    f = c.handshake()
    f += c.send(0, b'\x42\x00\x00\x10' + b'garbage garbage!' + nbss(smb2_negotiate_request()))
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('nbss-bad-type.pcap', 'NBSS type 0x42 on 445, then a valid Negotiate found by resynchronising',
         pcap_of(f), 0, both(conv_anom('nbss-bad-header'), r'"direction":"request".*"dialect_count":5'))

    c = Conv(sport=139)
    f = c.handshake()
    f += c.send(0, b'\x81\x00\x00\x44' + b'\x20' + b'A' * 32 + b'\x00' + b'\x20' + b'B' * 32 + b'\x00')
    f += c.send(1, b'\x83\x00\x00\x01\x82')  # negative session response
    f += c.send(0, b'\x00\x7e\x00\x10' + b'\0' * 16)  # flags other than E set
    f += c.send(0, nbss(smb2_negotiate_request()))
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('nbss-139-negative-and-bad-flags.pcap', 'port 139: session request, negative response, a header '
         'with reserved flag bits, then a Negotiate', pcap_of(f), 0,
         both(conv_anom('nbss-negative-session-response'), conv_anom('nbss-bad-header')))

    # ---- SMB1 -------------------------------------------------------------------
    def smb1_case(name, desc, req, resp, regex):
        case(name, desc, pcap_of(exchange(nbss(req), None if resp is None else nbss(resp)), canary()), 0,
             both(regex, CANARY_RE))

    smb1_case('smb1-wordcount-lie-request.pcap', 'SMB1 Negotiate request with WordCount 255 and no words',
              smb1_negotiate_request(dialects1(NT_LM), word_count=255), None,
              conv_anom('(smb1-negotiate-wordcount|truncated-message)'))
    smb1_case('smb1-wordcount-lie-response.pcap', 'SMB1 Negotiate response with WordCount 17 and 6 words',
              smb1_negotiate_request(dialects1(NT_LM)),
              smb1_header(SMB1_NEGOTIATE, reply=True) + b'\x11' + b'\0' * 12,
              conv_anom('(smb1-negotiate-wordcount|truncated-message)'))
    smb1_case('smb1-wordcount-odd-response.pcap', 'SMB1 Negotiate response with WordCount 5',
              smb1_negotiate_request(dialects1(NT_LM)),
              smb1_header(SMB1_NEGOTIATE, reply=True) + b'\x05' + b'\0' * 10 + b'\0\0',
              conv_anom('smb1-negotiate-wordcount'))
    smb1_case('smb1-bytecount-lie-request.pcap', 'SMB1 Negotiate request with ByteCount 0xFFFF over 2 dialects',
              smb1_negotiate_request(dialects1(b'PC NETWORK PROGRAM 1.0', NT_LM), byte_count=0xFFFF), None,
              both(anom('smb1-bytecount-exceeds-message', 'negotiate'),
                   r'"dialects":\["PC NETWORK PROGRAM 1\.0","NT LM 0\.12"\]'))
    smb1_case('smb1-bytecount-lie-response.pcap', 'SMB1 Negotiate response: ChallengeLength 255, ByteCount 0xFFFF',
              smb1_negotiate_request(dialects1(NT_LM)),
              smb1_negotiate_response(challenge_length=255, byte_count=0xFFFF, caps=0x0000E3FC & ~0x80000000),
              anom('smb1-bytecount-exceeds-message', 'negotiate'))
    smb1_case('smb1-dialect-unterminated.pcap', 'SMB1 dialect string without its NUL at the end of the message',
              smb1_negotiate_request(b'\x02PC NETWORK PROGRAM 1.0\x00\x02NT LM 0.12'), None,
              both(anom('smb1-dialect-unterminated', 'negotiate'), r'"dialects":\[[^]]*"NT LM 0\.12"\]'))
    smb1_case('smb1-dialect-unterminated-long.pcap', 'one 6000-byte SMB1 dialect string without a NUL',
              smb1_negotiate_request(b'\x02' + b'A' * 6000), None,
              anom('smb1-dialect-unterminated', 'negotiate'))
    smb1_case('smb1-dialect-buffer-format.pcap', 'SMB1 dialects without the 0x02 buffer format byte',
              smb1_negotiate_request(b'\x05NT LM 0.12\x00\x00LANMAN1.0\x00'), None,
              anom('smb1-dialect-buffer-format', 'negotiate'))
    smb1_case('smb1-dialect-binary.pcap', 'SMB1 dialect names with control bytes, quotes, backslashes, 0xFF',
              smb1_negotiate_request(dialects1(b'\x01\x1f"\\\x7f\xff\xfe<', b'\xc3\x28\xe2\x82', NT_LM)),
              smb1_negotiate_response(index=2),
              r'"dialects":\["\\u0001\\u001f\\"\\\\')
    d10k = b'\x02\x00' * 10000
    smb1_case('smb1-10000-dialects.pcap', 'SMB1 Negotiate request with 10 000 (empty) dialects',
              smb1_negotiate_request(d10k), smb1_negotiate_response(index=9999),
              both(anom('smb1-too-many-dialects', 'negotiate'),
                   r'!"smb1-bytecount-exceeds-message"', r'!"smb1-dialect-unterminated"'))
    smb1_case('smb1-dialect-index-lie.pcap', 'SMB1 Negotiate response choosing dialect 0xFFFE of 1',
              smb1_negotiate_request(dialects1(NT_LM)), smb1_negotiate_response(index=0xFFFE),
              conv_anom('smb1-dialect-index-out-of-range'))

    # ---- SMB2 -------------------------------------------------------------------
    def smb2_case(name, desc, req, resp, regex, **kw):
        case(name, desc, pcap_of(exchange(None if req is None else nbss(req),
                                          None if resp is None else nbss(resp)), canary()), 0,
             both(regex, CANARY_RE), **kw)

    smb2_case('smb2-ctx-offset-past-end.pcap', 'SMB2 NegotiateContextOffset 0x10000 (past the end)',
              smb2_negotiate_request(ctx_offset=0x10000), None,
              anom('smb2-negotiate-context-offset', 'negotiate'))
    smb2_case('smb2-ctx-offset-ffffffff.pcap', 'SMB2 NegotiateContextOffset 0xFFFFFFFF in a response',
              smb2_negotiate_request(), smb2_negotiate_response(ctx_offset=0xFFFFFFFF),
              anom('smb2-negotiate-context-offset', 'negotiate'))
    smb2_case('smb2-ctx-offset-into-header.pcap', 'SMB2 NegotiateContextOffset 8 (inside the SMB2 header)',
              smb2_negotiate_request(ctx_offset=8), None,
              anom('smb2-negotiate-context-offset', 'negotiate'))
    smb2_case('smb2-ctx-count-65535.pcap', 'SMB2 NegotiateContextCount 65535 with 3 contexts present',
              smb2_negotiate_request(ctx_count=65535), None,
              anom('smb2-(negotiate-context-length|negotiate-context-offset|too-many-negotiate-contexts)',
                   'negotiate'))
    zero_ctx = [ctx(0x100 + i, b'') for i in range(900)]
    smb2_case('smb2-ctx-count-65535-zero-length.pcap', 'SMB2 NegotiateContextCount 65535, 900 zero-length '
              'contexts present', smb2_negotiate_request(contexts=zero_ctx, ctx_count=65535), None,
              both(anom('smb2-too-many-negotiate-contexts', 'negotiate'),
                   anom('smb2-negotiate-context-(data|length)', 'negotiate')))
    # Dialects chosen so that, read from offset 104, they form a well-formed PREAUTH context
    # (type 1, length 6, HashAlgorithmCount 1, SaltLength 0, SHA-512): only a check that
    # the contexts start after the Dialects array can see it.
    overlap_dialects = (0x0311, 0x0202, 0x0001, 0x0006, 0x0000, 0x0000, 0x0001, 0x0000, 0x0001)
    smb2_case('smb2-ctx-overlap-dialects.pcap', 'SMB2 NegotiateContextOffset 104: a well-formed context '
              'inside the Dialects array', smb2_negotiate_request(dialects=overlap_dialects, contexts=[],
                                                                 ctx_offset=104, ctx_count=1), None,
              anom('smb2-negotiate-context-offset', 'negotiate'))
    secbuf = b'\x60\x48' + b'\x06' * 6 + ctx_preauth() + b'\x06' * 18
    smb2_case('smb2-ctx-overlap-security-buffer.pcap', 'SMB2 response whose (well-formed) negotiate context '
              'lies inside its security buffer', smb2_negotiate_request(),
              smb2_negotiate_response(secbuf=secbuf, contexts=[], ctx_offset=136, ctx_count=1),
              anom('smb2-(negotiate-context-offset|security-buffer-range)', 'negotiate'))
    smb2_case('smb2-ctx-zero-length.pcap', 'SMB2 PREAUTH_INTEGRITY context with DataLength 0',
              smb2_negotiate_request(contexts=[ctx(1, b''), ctx_encryption(), ctx_signing()]), None,
              anom('smb2-negotiate-context-data', 'negotiate'))
    smb2_case('smb2-ctx-length-past-end.pcap', 'SMB2 negotiate context with DataLength 0xFFFF',
              smb2_negotiate_request(contexts=[ctx_preauth(), ctx(2, b'\x01\x00\x02\x00', length=0xFFFF)]),
              None, anom('smb2-negotiate-context-length', 'negotiate'))
    smb2_case('smb2-ctx-inner-count-lie.pcap', 'SMB2 ENCRYPTION context with CipherCount 65535 in 4 bytes',
              smb2_negotiate_request(contexts=[ctx_preauth(), ctx(2, b'\xff\xff\x01\x00')]), None,
              anom('smb2-negotiate-context-data', 'negotiate'))
    smb2_case('smb2-ctx-duplicate.pcap', 'SMB2 request with PREAUTH_INTEGRITY twice',
              smb2_negotiate_request(contexts=[ctx_preauth(), ctx_preauth(), ctx_encryption()]), None,
              anom('smb2-negotiate-context-duplicate', 'negotiate'))
    smb2_case('smb2-ctx-netname-bad-utf16.pcap', 'SMB2 NETNAME context with lone surrogates and NULs',
              smb2_negotiate_request(contexts=[ctx_preauth(), ctx(5, b'\x00\xd8A\x00\x00\x00"\x00\\\x00\x00\xdc')]),
              None, r'"netname":"[^"]*')
    smb2_case('smb2-secbuf-offset-past-end.pcap', 'SMB2 response SecurityBufferOffset 0xFFFF',
              smb2_negotiate_request(), smb2_negotiate_response(secbuf_offset=0xFFFF),
              anom('smb2-security-buffer-range', 'negotiate'))
    smb2_case('smb2-secbuf-offset-into-header.pcap', 'SMB2 response SecurityBufferOffset 16 (in the header)',
              smb2_negotiate_request(), smb2_negotiate_response(secbuf_offset=16),
              anom('smb2-security-buffer-range', 'negotiate'))
    smb2_case('smb2-secbuf-length-past-end.pcap', 'SMB2 response SecurityBufferLength 0xFFFF',
              smb2_negotiate_request(), smb2_negotiate_response(secbuf_length=0xFFFF),
              anom('smb2-security-buffer-range', 'negotiate'))
    smb2_case('smb2-dialect-count-lie.pcap', 'SMB2 DialectCount 65535 with 5 dialects present',
              smb2_negotiate_request(dialect_count=65535), None,
              anom('smb2-dialect-count', 'negotiate'))
    smb2_case('smb2-dialect-count-zero.pcap', 'SMB2 DialectCount 0',
              smb2_negotiate_request(dialect_count=0, dialects=(0x0202,)), None,
              anom('smb2-dialect-count', 'negotiate'))
    smb2_case('smb2-10000-dialects.pcap', 'SMB2 Negotiate request with 10 000 dialects (0x0202..)',
              smb2_negotiate_request(dialects=tuple(0x0202 + (i % 3) for i in range(9999)) + (0x0311,)),
              smb2_negotiate_response(), r'"direction":"request".*"dialect_count":10000')
    smb2_case('smb2-structure-size-lie.pcap', 'SMB2 header StructureSize 0, Negotiate StructureSize 0xFFFF',
              smb2_negotiate_request(structure_size=0xFFFF, hdr=smb2_header(SMB2_NEGOTIATE, structure_size=0)),
              None, anom('smb2-structure-size'))
    smb2_case('smb2-short-message.pcap', 'an NBSS message of 20 bytes starting with 0xFE SMB',
              b'\xfeSMB' + b'\0' * 16, None, conv_anom('(truncated-message|not-smb-message)'))

    def compound(first_next, extra=b''):
        h = smb2_header(SMB2_NEGOTIATE, next_command=first_next)
        return smb2_negotiate_request(hdr=h) + extra
    smb2_case('smb2-next-command-backwards.pcap', 'SMB2 NextCommand 0xFFFFFFC0 (64 bytes backwards)',
              compound(0xFFFFFFC0), None, conv_anom('smb2-next-command'))
    smb2_case('smb2-next-command-self.pcap', 'SMB2 NextCommand 8: the next header inside this one',
              compound(8), None, conv_anom('smb2-next-command'))
    smb2_case('smb2-next-command-misaligned.pcap', 'SMB2 NextCommand 74 (not 8-aligned)',
              compound(72 + 2, b'\0' * 200), None, conv_anom('smb2-next-command'))
    smb2_case('smb2-next-command-past-end.pcap', 'SMB2 NextCommand 0x7FFFFFF8',
              compound(0x7FFFFFF8), None, conv_anom('smb2-next-command'))
    chain = b''.join(smb2_header(SMB2_ECHO, mid=i, next_command=72) + struct.pack('<HH', 4, 0) + b'\0' * 4
                     for i in range(1, 300))
    chain += smb2_header(SMB2_ECHO, mid=300) + struct.pack('<HH', 4, 0)
    c = Conv()
    f = exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()), conv=c, close=False)
    f += c.send(0, nbss(chain)) + c.close()
    case('smb2-compound-chain-300.pcap', 'a compound of 300 Echo requests chained by NextCommand 72 '
         '(21 KB, more than smbneg keeps of a message): nothing was lost, so no truncated-message',
         pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r',"smb_version":2', CANARY_RE, r'!"truncated-message"'))

    # The same Negotiate request 200 times, the SecurityMode changing: one event each,
    # the repetition flagged.
    c = Conv()
    f = c.handshake()
    for i in range(200):
        f += c.send(0, nbss(smb2_negotiate_request(security_mode=1 + (i & 1), mid=i)))
    f += c.send(1, nbss(smb2_negotiate_response())) + c.close()
    case('smb2-negotiate-repeated-200.pcap', '200 SMB2 Negotiate requests on one connection, SecurityMode '
         'alternating', pcap_of(f, canary()), 0,
         both(conv_anom('negotiate-repeated-with-different-values'), CANARY_RE))

    transform = struct.pack('<4s16s16sIHH8s', b'\xfdSMB', b'\x01' * 16, b'\x02' * 16, 0xFFFFFFFF, 0, 1,
                            b'\0' * 8)
    c = Conv()
    f = exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()), conv=c, close=False)
    f += c.send(0, nbss(transform + b'\x33' * 100))
    f += c.send(0, nbss(transform[:20]))                       # too short for a transform header
    f += c.send(0, b'\x00\xff\xff\xff' + transform + b'\x33' * 100)  # NBSS 16 MiB, 152 bytes sent
    f += c.close()
    case('smb2-transform-absurd.pcap', 'SMB2 transform headers: OriginalMessageSize 0xFFFFFFFF, one cut to '
         '20 bytes, one in a 16 MiB NBSS message', pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r'[^}]*"anomalies":\[[^]]*"truncated-message"', r'"encrypted_messages":[1-9]',
              CANARY_RE), rss=64)

    comp = struct.pack('<4sIHHI', b'\xfcSMB', 0xFFFFFFFF, 1, 0, 0xFFFFFFF0)
    c = Conv()
    f = exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()), conv=c, close=False)
    f += c.send(1, nbss(comp + b'\x44' * 64)) + c.close()
    case('smb2-compression-absurd.pcap', 'SMB2 compression transform: OriginalCompressedSegmentSize '
         '0xFFFFFFFF, Offset 0xFFFFFFF0', pcap_of(f, canary()), 0,
         both(r'"compressed_messages":[1-9]', CANARY_RE), rss=64)

    # ---- IPv6 -------------------------------------------------------------------
    def v6_wrap(ext_fn):
        def w(c, d, seg):
            nxt, ext = ext_fn()
            return eth(ipv6(c.ip[d], c.ip[1 - d], seg, nxt=nxt, ext=ext), 0x86DD)
        return w

    def chain4():
        # hop-by-hop -> destination options -> routing -> fragment (atomic) -> destination -> TCP
        frag = struct.pack('>BBHI', 60, 0, 0, 0x1234)
        return 0, ext_opts(60) + ext_opts(43, 1) + ext_opts(44) + frag + ext_opts(6, 2)
    c6 = Conv(cli='2001:db8::1', srv='2001:db8::2', wrap=v6_wrap(chain4))
    f = exchange(nbss(smb2_negotiate_request()), nbss(smb2_negotiate_response()), conv=c6)
    case('ipv6-ext-chain.pcap', 'IPv6 hop-by-hop, destination, routing, atomic fragment, destination, then TCP',
         pcap_of(f), 0,
         r'"event":"conversation",.*"file":"[^"]*","client":"\[2001:db8::1\]:49152","server":"\[2001:db8::2\]:445",'
         r'"smb_version":2,"dialect":"3\.1\.1"[^}]*"anomalies":\[\]')

    def chain_long():
        ext = b''
        for i in range(40):
            ext += ext_opts(60 if i < 39 else 6)
        return 60, ext
    c6 = Conv(cli='2001:db8::1', srv='2001:db8::2', wrap=v6_wrap(chain_long))
    f = exchange(nbss(smb2_negotiate_request()), conv=c6)
    case('ipv6-ext-chain-40.pcap', 'IPv6 with 40 destination-options headers before TCP',
         pcap_of(f, canary()), 0,
         both('(%s|%s)' % (counter('frames_malformed'), r'"client":"\[2001:db8::1\]:49152"'), CANARY_RE))

    f = [eth(ipv6('2001:db8::1', '2001:db8::2', tcp(49152, 445, 1, 1, SYN), nxt=0, ext=ext_opts(6, 255)[:16],
                  plen=36), 0x86DD)]
    case('ipv6-ext-length-lie.pcap', 'IPv6 hop-by-hop header claiming 2048 bytes in a 36-byte payload',
         pcap_of(f, canary()), 0,
         both('(%s|%s)' % (counter('frames_malformed'), counter('frames_truncated')), CANARY_RE))

    c6 = Conv(cli='2001:db8::1', srv='2001:db8::2', v6=True)
    f = c6.handshake()
    bogus = tcp(49152, 445, c6.seq[0], c6.seq[1], PSH | ACK, nbss(smb2_negotiate_request()))
    f.append(eth(ipv6('2001:db8::1', '2001:db8::2', bogus, plen=0xFFF0), 0x86DD))
    case('ipv6-payload-length-lie.pcap', 'IPv6 payload length 0xFFF0 in a frame captured whole with 270 bytes',
         pcap_of(f, canary()), 0,
         both('(%s|%s|%s)' % (counter('frames_malformed'), counter('frames_truncated'),
                              HOSTILE_CONV6 + r'[^}]*"anomalies":\[[^]]*"truncated-message"'), CANARY_RE))

    connection_life_cases()


def echo(response=False, mid=2):
    """An SMB2 Echo request or response (MS-SMB2 2.2.28, 2.2.29), NBSS framed."""
    return nbss(smb2_header(SMB2_ECHO, response=response, mid=mid) + struct.pack('<HH', 4, 0))


def summary_conversations(n):
    return r'"event":"summary"[^}]*"conversations":%d,' % n


def connection_life_cases():
    """Segments after the end of a connection: data after FIN/RST belongs to
    the connection it closed (counted as late data), never a new conversation starting
    mid-stream; a new handshake on the same tuple is a new conversation."""
    def negotiated():
        c = Conv()
        f = c.handshake()
        f += c.send(0, nbss(smb2_negotiate_request()))
        f += c.send(1, nbss(smb2_negotiate_response()))
        return c, f

    c, f = negotiated()
    f += c.send(0, echo())
    f.append(c.seg(0, RST | ACK))
    f += c.send(1, echo(response=True))  # the response crossed the RST
    case('late-echo-after-rst.pcap', 'the client resets; the server\'s Echo response that '
         'crossed the RST arrives after it (late data, not a second conversation)',
         pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1".*"closed":"rst"',
              counter('late_segments', 1), summary_conversations(2), CANARY_RE))

    c, f = negotiated()
    f += c.close()
    f += c.send(1, echo(response=True, mid=1))  # a late retransmission after both FINs
    f += c.send(0, echo(mid=3))
    case('late-data-after-fins.pcap', 'data from both sides after both FINs (late data, '
         'not a second conversation)', pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1".*"closed":"fin"',
              counter('late_segments', 2), summary_conversations(2), CANARY_RE))

    c, f = negotiated()
    f.append(c.seg(0, RST | ACK))
    for i in range(50):
        f += c.send(1, echo(response=True, mid=2 + i))
    case('late-data-flood-after-rst.pcap', '50 server segments after the client\'s RST',
         pcap_of(f, canary()), 0,
         both(counter('late_segments', 50), summary_conversations(2), CANARY_RE))

    c, f = negotiated()
    f.append(c.seg(0, RST | ACK))
    c2 = Conv(isn=(90000, 70000))  # the same tuple, a new handshake
    f += c2.handshake()
    f += c2.send(0, nbss(smb2_negotiate_request()))
    f += c2.send(1, nbss(smb2_negotiate_response(dialect=0x0302)))
    f += c2.close()
    case('new-handshake-after-rst.pcap', 'a new handshake on the tuple of a reset connection '
         'is a new conversation', pcap_of(f, canary()), 0,
         both(HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.1\.1"',
              HOSTILE_CONV + r',"smb_version":2,"dialect":"3\.0\.2"',
              counter('late_segments', 0), summary_conversations(3), CANARY_RE))


def build_generated(outdir):
    """The large cases, made at test time: the 1 million SYN flood and a 256 KiB frame."""
    os.makedirs(outdir, exist_ok=True)
    # 1 000 000 SYNs from distinct (address, port) pairs: 16 addresses x 62 500 ports.
    hdr = struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET)
    tmpl = bytearray(struct.pack('<IIII', 1700000000, 0, 54, 54) +
                     eth(ipv4('10.1.0.0', '10.0.0.2', tcp(0, 445, 7, 0, SYN))))
    out = [hdr]
    n = 0
    for a in range(16):
        tmpl[16 + 26 + 2] = a          # source address 10.1.a.x
        for port in range(1024, 1024 + 62500):
            tmpl[16 + 26 + 3] = port & 0xFF
            struct.pack_into('>H', tmpl, 16 + 34, port)
            struct.pack_into('<I', tmpl, 4, n % 1000000)
            out.append(bytes(tmpl))
            n += 1
    p = Pcap()
    p.frames(canary())
    out.append(p.bytes()[24:])
    with open(os.path.join(outdir, 'syn-flood-1m.pcap'), 'wb') as fh:
        fh.write(b''.join(out))

    # A 262144-byte frame (libpcap's maximum caplen): IPv6 with payload length 0
    # ("take what is there") carrying one TCP segment with a 256 KiB NBSS message.
    c6 = Conv(cli='2001:db8::1', srv='2001:db8::2', v6=True)
    f = c6.handshake()
    payload_len = 262144 - 14 - 40 - 20
    msg = nbss(smb2_header(0x0009, mid=5) + b'\x31' * (payload_len - 4 - 64))
    seg = tcp(49152, 445, c6.seq[0], c6.seq[1], PSH | ACK, msg)
    big = eth(ipv6('2001:db8::1', '2001:db8::2', seg, plen=0), 0x86DD)
    assert len(big) == 262144, len(big)
    f.append(big)
    c6.seq[0] += len(msg)
    f += c6.send(0, nbss(smb2_negotiate_request(mid=6)))
    f += c6.send(1, nbss(smb2_negotiate_response(mid=6))) + c6.close()
    p = pcap_of(f, canary())
    with open(os.path.join(outdir, 'caplen-256k-frame.pcap'), 'wb') as fh:
        fh.write(p.bytes())

    # 40 000 connections that each send one SMB2 Negotiate request and stay open: more
    # than the 32 768 conversations kept, so the oldest are concluded (and reported) early.
    p = Pcap()
    req = nbss(smb2_negotiate_request())
    for i in range(40000):
        a, port = divmod(i, 20000)
        c = Conv(cli='10.2.%d.%d' % (a, port & 0xFF), cport=20000 + port)
        c.seq[0] = 1000 + i
        p.record(c.seg(0, PSH | ACK, req), ts=(1700000000 + i // 1000, (i % 1000) * 1000))
    p.frames(canary())
    with open(os.path.join(outdir, 'negotiate-flood-40k.pcap'), 'wb') as fh:
        fh.write(p.bytes())

    # 40 000 connections (SYN, SYN-ACK), each side then sending 5 bytes: an NBSS header
    # that declares 16 MiB and one byte of it. 14 MB of input; what is kept of the
    # 32 768 open conversations must stay within the RSS limit.
    p = Pcap()
    for i in range(40000):
        a, port = divmod(i, 20000)
        c = Conv(cli='10.3.%d.%d' % (a, port & 0xFF), cport=20000 + port)
        p.frames(c.handshake())
        p.record(c.seg(0, PSH | ACK, b'\x00\xff\xff\xff\xfe'))
        p.record(c.seg(1, PSH | ACK, b'\x00\xff\xff\xff\xfe'))
    p.frames(canary())
    with open(os.path.join(outdir, 'nbss-partial-flood-40k.pcap'), 'wb') as fh:
        fh.write(p.bytes())

    # The memory flood (README "Performance") at 2,000 connections (test/bench/make-flood.py):
    # each 60 KiB into a Negotiate request that declares 64 KiB, none finished. 120 MiB
    # of partial messages against the 64 MiB table budget.
    flood = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bench', 'make-flood.py')
    subprocess.run([sys.executable, flood, os.path.join(outdir, 'memory-flood-2k.pcap'),
                    '--connections', '2000'], check=True)


GENERATED = [
    ('gen/syn-flood-1m.pcap', '1 000 000 SYNs from distinct address/port pairs (made at test time), then '
     'a valid conversation', '0',
     both(counter('tcp_connections', 1000001), r'"event":"file"[^}]*"evicted":9[0-9]{5}', CANARY_RE), '120', '256'),
    ('gen/caplen-256k-frame.pcap', 'a 262144-byte frame (IPv6 payload length 0) with a 256 KiB SMB2 '
     'message, then a Negotiate on the same connection (made at test time)', '0',
     both(r'"client":"\[2001:db8::1\]:49152".*"direction":"request"', CANARY_RE), '', '64'),
    ('gen/negotiate-flood-40k.pcap', '40 000 connections each sending an SMB2 Negotiate request and never '
     'closing (made at test time): the oldest are evicted and still reported', '0',
     both(r'"event":"file"[^}]*"tcp_connections":40001,"smb_connections":40001,"evicted":7233',
          r'"event":"summary"[^}]*"conversations":40001', CANARY_RE), '60', '256'),
    ('gen/nbss-partial-flood-40k.pcap', '40 000 connections whose two sides each send an NBSS header '
     'declaring 16 MiB and 1 byte (14 MB made at test time)', '0',
     both(r'"event":"file"[^}]*"tcp_connections":40001,', r'"evicted":7233', CANARY_RE), '60', '256'),
    ('gen/memory-flood-2k.pcap', '2 000 connections each 60 KiB into a Negotiate request declaring '
     '64 KiB, never finished (120 MB made at test time): the 64 MiB table budget gives up the '
     'oldest partial messages, every connection is reported', '0',
     both(r'"event":"summary"[^}]*"conversations":2000,',
          r'"event":"conversation"[^}]*"anomalies":\[[^]]*"memory-budget"'), '60', '100'),
]


HEADER = """\
# Hostile-input suite: made by make-hostile.py, run by run-hostile.sh.
# Columns (tab-separated): file (under cases/; gen/NAME = made at test time by
# make-hostile.py --generated), description, expected exit status, regex, max seconds
# (default 20), max RSS in MiB (default 128).
# The regex is matched (grep -E, line by line) against stdout and stderr of
# `smbneg -r FILE -o json`; several terms are joined by ' && ' and must all match (each
# on some line), and a term starting with '!' must match no line.
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--out', default=here, help='folder for cases/ and cases.tsv')
    ap.add_argument('--generated', metavar='DIR', help='write only the large cases, into DIR')
    args = ap.parse_args()
    if args.generated:
        build_generated(args.generated)
        return 0
    build_cases()
    cdir = os.path.join(args.out, 'cases')
    os.makedirs(cdir, exist_ok=True)
    for old in os.listdir(cdir):
        if old not in FILES:
            os.unlink(os.path.join(cdir, old))
    for name, data in FILES.items():
        with open(os.path.join(cdir, name), 'wb') as fh:
            fh.write(data)
    with open(os.path.join(args.out, 'cases.tsv'), 'w', encoding='utf-8') as fh:
        fh.write(HEADER)
        for row in CASES + GENERATED:
            fh.write('\t'.join(row).rstrip('\t') + '\n')
    print('%d cases (%d files in %s, %d bytes; %d made at test time)' % (
        len(CASES) + len(GENERATED), len(FILES), cdir, sum(len(d) for d in FILES.values()), len(GENERATED)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
