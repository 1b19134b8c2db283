"""Small pictures of image materials, read scaled (a 12-megapixel photo is never decoded in full) and
cached by path, size and file time; a grey tile with a word stands in for a missing file, a text or a link."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImageReader, QPainter, QPixmap

from services.library import MaterialInfo, material_file
from ui.i18n import tr

KIND_COLOURS = {"text": "#5c6bc0", "link": "#00897b", "image": "#9e9e9e"}
CACHE_SIZE = 600
_cache: OrderedDict[str, QPixmap] = OrderedDict()


def _cached(key: str) -> QPixmap | None:
    found = _cache.get(key)
    if found is not None:
        _cache.move_to_end(key)
    return found


def _keep(key: str, pixmap: QPixmap) -> QPixmap:
    _cache[key] = pixmap
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return pixmap


def _tile(size: int, word: str, colour: str) -> QPixmap:
    key = f"keben-tile:{size}:{word}:{colour}"
    found = _cached(key)
    if found is not None:
        return found
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRect(0, 0, size, size), size / 8, size / 8)
    font = QFont()
    font.setPixelSize(max(10, size // 4))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, word)
    painter.end()
    return _keep(key, pixmap)


def image_thumbnail(path: Path, size: int) -> QPixmap | None:
    """The picture in `path` scaled to fit a size×size square, or None when it cannot be read."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    key = f"keben-thumb:{size}:{stamp}:{path}"
    found = _cached(key)
    if found is not None:
        return found
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and (original.width() > size or original.height() > size):
        reader.setScaledSize(original.scaled(QSize(size, size), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    if image.width() > size or image.height() > size:
        image = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return _keep(key, QPixmap.fromImage(image))


def material_pixmap(data_root: Path, info: MaterialInfo, size: int) -> QPixmap:
    """An image material's picture, or a coloured tile saying 文字 / 链接 / 缺图."""
    if info.kind == "image":
        path = material_file(data_root, info)
        pixmap = image_thumbnail(path, size) if path is not None else None
        return pixmap if pixmap is not None else _tile(size, tr("缺图"), "#e57373")
    return _tile(size, info.kind_label, KIND_COLOURS.get(info.kind, "#9e9e9e"))


def material_icon(data_root: Path, info: MaterialInfo, size: int) -> QIcon:
    """material_pixmap centred on a transparent square (so list rows line up)."""
    picture = material_pixmap(data_root, info, size)
    if picture.width() == size and picture.height() == size:
        return QIcon(picture)
    square = QPixmap(size, size)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawPixmap((size - picture.width()) // 2, (size - picture.height()) // 2, picture)
    painter.end()
    return QIcon(square)
