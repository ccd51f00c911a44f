#!/usr/bin/env python3
"""Write the benchmark capture: N interleaved SMB2 conversations with bulk READs.

Generator A of two (the other, gen_capture.c, is written independently in C so a
result does not hang on one generator's quirks). Classic pcap, microseconds,
Ethernet, IPv4, MSS 1448, every conversation on port 445:

    SYN, SYN/ACK, ACK
    Negotiate request / response       (dialect, security modes vary by index)
    Session Setup x2                   (MORE_PROCESSING_REQUIRED, then SUCCESS;
                                        the second is signed when the session is)
    READS x (READ request, READ response of READ_KIB/READS KiB in MSS segments,
             a client ACK every second segment)
    FIN, FIN, ACK

CONCURRENCY conversations are open at once; the writer takes a burst of up to 6
frames from each in turn, so conversations interleave the way a busy file server's
traffic does. A conversation is signed after Session Setup when either side
requires signing or when index % 3 == 0, so five in six end `signed`.

usage: make-big-capture.py OUT.pcap [--conversations N] [--read-kib K]
                           [--concurrency C] [--manifest FILE]
N defaults to 1500 and K to 192: about 320 MB, the size README "Performance" was measured on.
--manifest writes one line per conversation: client server expected-verdict.
"""
import argparse
import struct

ETH = b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01' + b'\x08\x00'
MSS = 1448
DIALECTS = (0x0202, 0x0210, 0x0300, 0x0302, 0x0311)
SIG = b'\x5a' * 16


def frame(src, dst, sport, dport, seq, ack, flags, payload=b''):
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    return ETH + ip + tcp + payload


def smb2(command, response, msg_id, signed, status=0, session=1):
    flags = (1 if response else 0) | (8 if signed else 0)
    return (b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ', 64, 1, status, command, 1, flags, 0,
                                     msg_id, 0, 1, session) + (SIG if signed else b'\x00' * 16))


def nbss(msg):
    return struct.pack('!I', len(msg)) + msg


def negotiate(dialect, cmode, smode):
    req = smb2(0, False, 0, False, session=0) + struct.pack(
        '<HHHHI16sIHH', 36, 1, cmode, 0, 0x7f, b'\x11' * 16, 0, 0, 0) + struct.pack('<H', dialect)
    resp = smb2(0, True, 0, False, session=0) + struct.pack(
        '<HHHH16sIIIIQQHHI', 65, smode, dialect, 0, b'\x22' * 16, 7, 1 << 23, 1 << 23,
        1 << 23, 0, 0, 0, 0, 0)
    return nbss(req), nbss(resp)


class Conv:
    """One conversation as a generator of frames; index picks its addresses and modes."""

    def __init__(self, i, read_kib, reads):
        self.cli = bytes([10, 100 + (i >> 16 & 0x7f), i >> 8 & 0xff, i & 0xff])
        self.srv = bytes([10, 250, i % 50, 1])
        self.cport = 20000 + i % 40000
        self.dialect = DIALECTS[i % len(DIALECTS)]
        self.cmode = 3 if i % 4 == 1 else 1
        self.smode = 3 if i % 2 == 0 else 1
        self.signed = self.cmode == 3 or self.smode == 3 or i % 3 == 0
        self.read_bytes = max(1, read_kib * 1024 // reads)
        self.reads = reads

    def verdict(self):
        return 'signed' if self.signed else 'not-signed'

    def endpoints(self):
        return '%s:%d %s:445' % ('.'.join(map(str, self.cli)), self.cport,
                                 '.'.join(map(str, self.srv)))

    def frames(self, body):
        c, s, cp = self.cli, self.srv, self.cport
        cseq, sseq = 1000, 900000
        yield frame(c, s, cp, 445, cseq - 1, 0, 0x02)
        yield frame(s, c, 445, cp, sseq - 1, cseq, 0x12)
        yield frame(c, s, cp, 445, cseq, sseq, 0x10)
        req, resp = negotiate(self.dialect, self.cmode, self.smode)
        msgs = [(True, req), (False, resp)]
        for k in range(2):
            sig = self.signed and k == 1
            msgs.append((True, nbss(smb2(1, False, 1 + k, sig) +
                                    struct.pack('<HBBIIHHQ', 25, 0, 1, 0, 0, 0, 0, 0))))
            msgs.append((False, nbss(smb2(1, True, 1 + k, sig, 0 if k else 0xC0000016) +
                                     struct.pack('<HHHH', 9, 0, 0, 0))))
        for (to_srv, m) in msgs:
            if to_srv:
                yield frame(c, s, cp, 445, cseq, sseq, 0x18, m)
                cseq += len(m)
            else:
                yield frame(s, c, 445, cp, sseq, cseq, 0x18, m)
                sseq += len(m)
        for r in range(self.reads):
            m = nbss(smb2(8, False, 10 + r, self.signed) + struct.pack(
                '<HBBIQ16sIIIHH', 49, 0, 0, self.read_bytes, 0, b'\x33' * 16, 0, 0, 0, 0, 0)
                + b'\x00')
            yield frame(c, s, cp, 445, cseq, sseq, 0x18, m)
            cseq += len(m)
            hdr = nbss(smb2(8, True, 10 + r, self.signed) + struct.pack(
                '<HBBIII', 17, 80, 0, self.read_bytes, 0, 0) + body[:self.read_bytes])
            for n, off in enumerate(range(0, len(hdr), MSS)):
                seg = hdr[off:off + MSS]
                yield frame(s, c, 445, cp, sseq, cseq, 0x18 if off + MSS >= len(hdr) else 0x10, seg)
                sseq += len(seg)
                if n % 2 == 1:
                    yield frame(c, s, cp, 445, cseq, sseq, 0x10)
        yield frame(c, s, cp, 445, cseq, sseq, 0x11)
        yield frame(s, c, 445, cp, sseq, cseq + 1, 0x11)
        yield frame(c, s, cp, 445, cseq + 1, sseq + 1, 0x10)


def write(out, convs, concurrency, body):
    """Round-robin bursts over at most `concurrency` open conversations."""
    pending = iter(convs)
    active = []
    t_us = 1_700_000_000 * 1_000_000
    pack = struct.Struct('<IIII').pack
    with open(out, 'wb', buffering=1 << 20) as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        while True:
            while len(active) < concurrency:
                c = next(pending, None)
                if c is None:
                    break
                active.append(c.frames(body))
            if not active:
                return
            still = []
            for g in active:
                done = False
                for _ in range(6):
                    fr = next(g, None)
                    if fr is None:
                        done = True
                        break
                    f.write(pack(t_us // 1_000_000, t_us % 1_000_000, len(fr), len(fr)))
                    f.write(fr)
                    t_us += 9
                if not done:
                    still.append(g)
            active = still


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--conversations', type=int, default=1500)
    ap.add_argument('--read-kib', type=int, default=192)
    ap.add_argument('--reads', type=int, default=4)
    ap.add_argument('--concurrency', type=int, default=64)
    ap.add_argument('--manifest')
    a = ap.parse_args()
    convs = [Conv(i, a.read_kib, a.reads) for i in range(a.conversations)]
    body = bytes(max(c.read_bytes for c in convs) if convs else 0)
    write(a.out, convs, a.concurrency, body)
    if a.manifest:
        with open(a.manifest, 'w') as m:
            for c in convs:
                m.write('%s %s\n' % (c.endpoints(), c.verdict()))


if __name__ == '__main__':
    main()
