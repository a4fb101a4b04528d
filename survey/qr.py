"""Draw QR codes with the `qrcode` library: terminal text, SVG and PNG."""
from __future__ import annotations

import io
from pathlib import Path

import qrcode
import qrcode.image.svg


def _code(url: str) -> qrcode.QRCode:
    # Level M survives a scuffed or badly printed poster; border 4 is the spec's quiet zone.
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    return qr


def terminal(url: str) -> str:
    """Return the QR drawn with half-block characters for a terminal."""
    out = io.StringIO()
    _code(url).print_ascii(out=out, invert=True)
    return out.getvalue()


def svg(url: str) -> bytes:
    """Return the QR as a standalone SVG document."""
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode").encode("utf-8")


def png(url: str, box_size: int = 10) -> bytes:
    """Return the QR as a PNG image."""
    qr = _code(url)
    qr.box_size = box_size
    buffer = io.BytesIO()
    qr.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def write_files(url: str, stem: Path) -> list[Path]:
    """Write STEM.svg and STEM.png; return the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    # Not with_suffix(): procedure codes such as 1.001193 contain dots.
    paths = [stem.parent / f"{stem.name}.svg", stem.parent / f"{stem.name}.png"]
    paths[0].write_bytes(svg(url))
    paths[1].write_bytes(png(url))
    return paths
