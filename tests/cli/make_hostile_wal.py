#!/usr/bin/env python3
"""Rewrites a SQLite WAL as a hostile one: its header and first frame only, that frame made a
commit claiming PAGES database pages, checksums recomputed so that it is a valid frame
(sqlite.org/fileformat2.html, section 4). Usage: make_hostile_wal.py WAL PAGES"""
import struct
import sys


def checksum(data, big_endian, s0=0, s1=0):
    fmt = (">" if big_endian else "<") + "%dI" % (len(data) // 4)
    words = struct.unpack(fmt, data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def main():
    path, pages = sys.argv[1], int(sys.argv[2])
    wal = bytearray(open(path, "rb").read())
    magic, _, page_size = struct.unpack(">III", wal[:12])
    big_endian = magic & 1 == 1
    s0, s1 = checksum(bytes(wal[:24]), big_endian)
    frame = wal[32:32 + 24 + page_size]
    struct.pack_into(">I", frame, 4, pages)
    s0, s1 = checksum(bytes(frame[:8]), big_endian, s0, s1)
    s0, s1 = checksum(bytes(frame[24:]), big_endian, s0, s1)
    struct.pack_into(">II", frame, 16, s0, s1)
    with open(path, "wb") as out:
        out.write(bytes(wal[:32]) + bytes(frame))


main()
