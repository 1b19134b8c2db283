"""Draw KeBen's app icon (a teal rounded square with a white 客) in every size the installers need.

Run once when the design changes; the results are committed under resources/icons/:
keben-<N>.png (16 … 1024), keben.ico (Windows: 16–256) and keben.icns (macOS: 16–1024).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m installer.make_icons
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resources import ICON_SIZES  # noqa: E402

OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (type, pixels) of an .icns file; every entry is PNG data.
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
              ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))
FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei")


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    margin = size * (0.0 if size <= 32 else 0.06)  # small sizes use every pixel
    box = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(box.topLeft(), box.bottomRight())
    gradient.setColorAt(0.0, QColor("#26a69a"))
    gradient.setColorAt(1.0, QColor("#00695c"))
    shape = QPainterPath()
    radius = box.width() * 0.22
    shape.addRoundedRect(box, radius, radius)
    painter.fillPath(shape, gradient)
    if size >= 48:  # a thin page edge at the bottom: the "book" in 客本
        edge = QRectF(box.left() + box.width() * 0.18, box.bottom() - box.height() * 0.16,
                      box.width() * 0.64, max(1.0, box.height() * 0.035))
        painter.fillRect(edge, QColor(255, 255, 255, 150))
    families = set(QFontDatabase.families())
    font = QFont(next((f for f in FONTS if f in families), QFont().family()))
    font.setWeight(QFont.Weight.Bold)
    font.setPixelSize(round(box.height() * (0.74 if size <= 32 else 0.6)))
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    text_box = box.adjusted(0, -box.height() * (0.0 if size < 48 else 0.05), 0, 0)
    painter.drawText(text_box, Qt.AlignmentFlag.AlignCenter, "客")
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def dib_bytes(image: QImage) -> bytes:
    """A 32-bit BMP entry for an .ico (what every Windows version and NSIS read for small sizes)."""
    size = image.width()
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    rows = [bytes(argb.constScanLine(y))[: size * 4] for y in range(size)]  # BGRA on little-endian
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, size * size * 4, 0, 0, 0, 0)
    mask_row = bytes(((size + 31) // 32) * 4)  # the alpha channel decides; the AND mask stays clear
    return header + b"".join(reversed(rows)) + mask_row * size


def ico_bytes(images: dict[int, QImage]) -> bytes:
    entries, blobs = [], []
    offset = 6 + 16 * len(ICO_SIZES)
    for size in ICO_SIZES:
        blob = png_bytes(images[size]) if size >= 256 else dib_bytes(images[size])
        entries.append(struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return struct.pack("<HHH", 0, 1, len(ICO_SIZES)) + b"".join(entries) + b"".join(blobs)


def icns_bytes(images: dict[int, QImage]) -> bytes:
    body = b"".join(kind.encode("ascii") + struct.pack(">I", len(data) + 8) + data
                    for kind, data in ((kind, png_bytes(images[px])) for kind, px in ICNS_TYPES))
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts need an app
    OUT.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in ICON_SIZES}
    for size, image in images.items():
        (OUT / f"keben-{size}.png").write_bytes(png_bytes(image))
    (OUT / "keben.ico").write_bytes(ico_bytes(images))
    (OUT / "keben.icns").write_bytes(icns_bytes(images))
    print(f"wrote {len(images)} PNGs, keben.ico and keben.icns to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
