#!/usr/bin/env python3
"""Write a large benchmark capture from the small real ones in captures/.

Every Ethernet/IPv4 capture in captures/ is repeated COPIES times; each copy
moves the clients to another address (10.x.y.z) and port so that every copy
is its own set of conversations, and shifts the time stamps. Then, to weigh
bulk transfer the way real file traffic does, each copy gets one synthetic
SMB2 conversation carrying READ responses of 1 MiB in 1448-byte segments.

usage: make-big-capture.py SOURCE_ROOT OUT.pcap COPIES
"""
import glob
import os
import struct
import sys

ETH_IP4 = 0x0800


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        return None, []
    linktype = struct.unpack('<I', data[20:24])[0]
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack('<IIII', data[pos:pos + 16])
        out.append((sec, frac, orig, data[pos + 16:pos + 16 + incl]))
        pos += 16 + incl
    return linktype, out


def rewrite(frame, copy):
    """Move the non-SMB endpoint of an Ethernet/IPv4/TCP frame to copy's address."""
    if len(frame) < 14 + 20 or struct.unpack('!H', frame[12:14])[0] != ETH_IP4:
        return frame
    ihl = (frame[14] & 0x0f) * 4
    if frame[23] != 6 or len(frame) < 14 + ihl + 4:
        return frame
    b = bytearray(frame)
    sport, dport = struct.unpack('!HH', b[14 + ihl:14 + ihl + 4])
    client_is_src = dport in (445, 139)
    addr_off = 26 if client_is_src else 30
    b[addr_off:addr_off + 4] = bytes([10, (copy >> 16) & 0xff, (copy >> 8) & 0xff, copy & 0xff])
    return bytes(b)


def tcp_frame(src, dst, sport, dport, seq, flags, payload):
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0,
                     bytes(src), bytes(dst))
    eth = b'\x00\x11\x22\x33\x44\x55' + b'\x66\x77\x88\x99\xaa\xbb' + struct.pack('!H', ETH_IP4)
    return eth + ip + tcp + payload


def smb2_header(command, flags, msg_id, signed):
    sig = b'\x5a' * 16 if signed else b'\x00' * 16
    return (b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ', 64, 1, 0, command, 1,
                                     flags | (8 if signed else 0), 0, msg_id, 0, 1, 1) + sig)


def bulk_conversation(copy, t0):
    """A signed SMB2 session: Negotiate both ways, then 8 READ responses of 1 MiB."""
    cli = [10, 200, (copy >> 8) & 0xff, copy & 0xff]
    srv = [10, 250, 0, 1]
    cport = 20000 + copy % 40000
    frames = []
    cseq, sseq = 1000, 5000
    t = t0

    def add(src, dst, sp, dp, seq, flags, payload):
        nonlocal t
        frames.append((t, 0, len(payload) + 54, tcp_frame(src, dst, sp, dp, seq, flags, payload)))
        t += 1
    add(cli, srv, cport, 445, cseq - 1, 0x02, b'')
    add(srv, cli, 445, cport, sseq - 1, 0x12, b'')
    neg_req = smb2_header(0, 0, 0, False) + struct.pack('<HHHHI16sIHH', 36, 1, 1, 0, 0, b'\x01' * 16, 0, 0, 0) + struct.pack('<H', 0x0210)
    nb = struct.pack('!I', len(neg_req)) + neg_req
    add(cli, srv, cport, 445, cseq, 0x18, nb)
    cseq += len(nb)
    neg_resp = smb2_header(0, 1, 0, False) + struct.pack('<HHHH16sIIIIQQHHI', 65, 3, 0x0210, 0, b'\x02' * 16, 0, 1 << 20, 1 << 20, 1 << 20, 0, 0, 0, 0, 0)
    nb = struct.pack('!I', len(neg_resp)) + neg_resp
    add(srv, cli, 445, cport, sseq, 0x18, nb)
    sseq += len(nb)
    for i in range(2):  # Session Setup, so what follows counts as ordinary traffic
        req = smb2_header(1, 0, 1 + i, i == 1) + struct.pack('<HBBIIHHQ', 25, 0, 1, 0, 0, 0, 0, 0)
        nb = struct.pack('!I', len(req)) + req
        add(cli, srv, cport, 445, cseq, 0x18, nb)
        cseq += len(nb)
        status = 0 if i == 1 else 0xC0000016
        resp = bytearray(smb2_header(1, 1, 1 + i, i == 1) + struct.pack('<HHHH', 9, 0, 0, 0))
        resp[8:12] = struct.pack('<I', status)
        nb = struct.pack('!I', len(resp)) + bytes(resp)
        add(srv, cli, 445, cport, sseq, 0x18, nb)
        sseq += len(nb)
    for r in range(8):
        req = smb2_header(8, 0, 10 + r, True) + b'\x31\x00' + b'\x00' * 47
        nb = struct.pack('!I', len(req)) + req
        add(cli, srv, cport, 445, cseq, 0x18, nb)
        cseq += len(nb)
        body = smb2_header(8, 1, 10 + r, True) + struct.pack('<HBBIII', 17, 80, 0, 1 << 20, 0, 0) + b'\x00' * (1 << 20)
        msg = struct.pack('!I', len(body)) + body
        for off in range(0, len(msg), 1448):
            seg = msg[off:off + 1448]
            add(srv, cli, 445, cport, sseq, 0x10, seg)
            sseq += len(seg)
    add(cli, srv, cport, 445, cseq, 0x11, b'')
    add(srv, cli, 445, cport, sseq, 0x11, b'')
    return frames, t


def main():
    root, out, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sources = []
    for path in sorted(glob.glob(os.path.join(root, 'captures', '*.pcap'))):
        linktype, frames = read_pcap(path)
        if linktype == 1 and frames:
            sources.append(frames)
    with open(out, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
        t = 1_700_000_000
        for copy in range(copies):
            for frames in sources:
                base = frames[0][0]
                for sec, frac, orig, data in frames:
                    d = rewrite(data, copy + 1)
                    f.write(struct.pack('<IIII', t + sec - base, frac, len(d), orig) + d)
                t += 2
            bulk, t = bulk_conversation(copy, t)
            for sec, frac, orig, data in bulk:
                f.write(struct.pack('<IIII', sec, frac, len(data), len(data)) + data)


if __name__ == '__main__':
    main()
