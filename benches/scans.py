#!/usr/bin/env python3
"""What a 1/4-scale decode of a progressive JPEG could skip (issue "Speed", item 3).

At 1/4 only the first five zigzag positions of each block matter (codec/jpeg_dc). In a
progressive file a scan can be skipped unread only when its whole spectral band lies past
them (Ss >= 5): a refinement scan over 1..63 interleaves the correction bits of positions
1..4 with the others', so it must be decoded in full. For each file this prints its scans
(components, Ss..Se, Ah/Al, entropy-coded bytes) and the share of the entropy-coded bytes
in skippable scans.

Usage: python3 benches/scans.py FILE.jpg [...]
"""
import struct
import sys


def scans(data):
    """(component ids, Ss, Se, Ah, Al, entropy-coded bytes) of every scan of a JPEG."""
    out = []
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker == 0xD9:
            break
        if marker in (0xD8, 0x01, 0xFF) or 0xD0 <= marker <= 0xD7:
            i += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        body = data[i + 4:i + 2 + length]
        i += 2 + length
        if marker != 0xDA:
            continue
        n = body[0]
        ids = [body[1 + 2 * k] for k in range(n)]
        ss, se, a = body[1 + 2 * n], body[2 + 2 * n], body[3 + 2 * n]
        # The entropy-coded data runs to the next marker that is not a stuffed 0x00 or a restart.
        j = i
        while True:
            j = data.index(b"\xff", j)
            if data[j + 1] == 0 or 0xD0 <= data[j + 1] <= 0xD7:
                j += 2
                continue
            break
        out.append((ids, ss, se, a >> 4, a & 15, j - i))
        i = j
    return out


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            found = scans(f.read())
        total = sum(s[5] for s in found)
        skip = sum(s[5] for s in found if s[1] >= 5)
        print(f"{path}: {len(found)} scans, {total} B entropy-coded, "
              f"skippable at 1/4: {skip} B ({100 * skip / max(total, 1):.0f} %)")
        for ids, ss, se, ah, al, size in found:
            print(f"    components {ids} band {ss}..{se} Ah {ah} Al {al}: {size} B")


if __name__ == "__main__":
    main()
