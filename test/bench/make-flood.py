#!/usr/bin/env python3
"""Write the memory flood of README "Performance": N SMB connections open at once, none finished.

Every connection gets a TCP handshake; then, round after round, each connection in
turn sends its next segment (MSS 1448) of one Negotiate request whose NBSS header
declares 65,536 bytes, until SENT bytes (default 60 KiB) of it are on the wire. The
request is never completed, nothing is answered, no connection is closed: an analyser
that keeps every partial message holds N x SENT bytes at the end.

Written as a stream (one connection's state is its index), so N = 20,000 (1.2 GB)
takes no memory here either.

usage: make-flood.py OUT.pcap [--connections N] [--sent-kib K]
"""
import argparse
import struct

ETH = b'\x02\x00\x00\x00\x00\x02' + b'\x02\x00\x00\x00\x00\x01' + b'\x08\x00'
MSS = 1448
DECLARED = 65536
ISN = 1000


def addrs(i):
    cli = bytes([10, 60 + (i >> 16 & 0x3f), i >> 8 & 0xff, i & 0xff])
    srv = bytes([10, 9, i % 100, 1])
    return cli, srv, 1024 + i % 60000


def frame(src, dst, sport, dport, seq, ack, flags, payload=b''):
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40 + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    return ETH + ip + tcp + payload


def request_prefix(sent):
    """The first `sent` bytes of a Negotiate request declared 64 KiB long (MS-SMB2
    2.2.3 with 2 dialects; the rest of the declared length is never sent)."""
    hdr = b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ', 64, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0) + b'\x00' * 16
    body = struct.pack('<HHHHI16sIHH', 36, 2, 1, 0, 0, b'\x77' * 16, 0, 0, 0) + struct.pack('<HH', 0x0210, 0x0311)
    msg = struct.pack('!I', DECLARED) + hdr + body
    return (msg + b'\x00' * sent)[:sent]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--connections', type=int, default=20000)
    ap.add_argument('--sent-kib', type=int, default=60)
    a = ap.parse_args()
    prefix = request_prefix(min(a.sent_kib * 1024, DECLARED + 3))
    segs = [prefix[o:o + MSS] for o in range(0, len(prefix), MSS)]
    offs = list(range(0, len(prefix), MSS))
    t_us = 1_700_000_000 * 1_000_000
    rec = struct.Struct('<IIII').pack
    with open(a.out, 'wb', buffering=1 << 20) as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))

        def put(fr):
            nonlocal t_us
            f.write(rec(t_us // 1_000_000, t_us % 1_000_000, len(fr), len(fr)))
            f.write(fr)
            t_us += 5
        for i in range(a.connections):
            cli, srv, cp = addrs(i)
            put(frame(cli, srv, cp, 445, ISN - 1, 0, 0x02))
            put(frame(srv, cli, 445, cp, 5000, ISN, 0x12))
            put(frame(cli, srv, cp, 445, ISN, 5001, 0x10))
        for off, seg in zip(offs, segs):
            for i in range(a.connections):
                cli, srv, cp = addrs(i)
                put(frame(cli, srv, cp, 445, ISN + off, 5001, 0x10, seg))


if __name__ == '__main__':
    main()
