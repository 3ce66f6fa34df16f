"""Draw the app icons (PNG) with the standard library only; run once, the PNGs are committed.

    python posyandu/sinkron/static/sinkron/icons/make_icons.py

A white circle with a green health cross on the brand green (#0b6e4f); the maskable icon keeps
everything inside the central 80 % safe zone and fills the whole square.
"""

import struct
import zlib
from pathlib import Path

BRAND = (11, 110, 79)
WHITE = (255, 255, 255)
HERE = Path(__file__).resolve().parent


def _pixel(x: float, y: float, size: int, maskable: bool) -> tuple[int, int, int, int]:
    c = size / 2
    dx, dy = x - c, y - c
    if not maskable:  # a rounded square with transparent corners
        r, half = size * 0.18, size / 2
        qx, qy = max(abs(dx) - (half - r), 0.0), max(abs(dy) - (half - r), 0.0)
        if qx * qx + qy * qy > r * r:
            return (0, 0, 0, 0)
    circle = size * (0.30 if maskable else 0.36)
    if dx * dx + dy * dy > circle * circle:
        return (*BRAND, 255)
    arm, bar = circle * 0.62, circle * 0.22
    if (abs(dx) <= bar and abs(dy) <= arm) or (abs(dy) <= bar and abs(dx) <= arm):
        return (*BRAND, 255)
    return (*WHITE, 255)


def png(size: int, maskable: bool = False) -> bytes:
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            rows.extend(_pixel(x + 0.5, y + 0.5, size, maskable))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("maskable-512.png", 512, True),
        ("apple-touch-180.png", 180, True),
    ):
        (HERE / name).write_bytes(png(size, maskable))
        print(name, (HERE / name).stat().st_size, "bytes")
