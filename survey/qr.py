"""Draw QR codes with the `qrcode` library: terminal text, SVG and PNG."""
from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import qrcode
import qrcode.image.svg

# Printed under a QR whose address only this machine can open (see links.is_loopback).
LOOPBACK_WARNING = ("CẢNH BÁO: mã này trỏ tới localhost,", "điện thoại không mở được. Đặt SIPAS_BASE_URL.")


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


def svg(url: str, warning: tuple[str, ...] = ()) -> bytes:
    """Return the QR as a standalone SVG document, with ``warning`` lines in red under it."""
    image = _code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    text = image.to_string(encoding="unicode")
    if warning:
        text = _svg_caption(text, warning)
    return text.encode("utf-8")


def _svg_caption(document: str, lines: tuple[str, ...]) -> str:
    # The drawing is in module units (viewBox "0 0 N N"): grow it downwards
    # and stretch each line to the QR's width so it fits at any length.
    box = re.search(r'viewBox="0 0 ([\d.]+) ', document)
    if box is None:  # not the qrcode library's SVG: leave it as drawn
        return document
    size = float(box.group(1))
    line = size / 12
    height = size + line * (len(lines) + 0.5)
    document = re.sub(r'viewBox="0 0 [\d.]+ [\d.]+"', f'viewBox="0 0 {size:g} {height:g}"', document, count=1)
    document = re.sub(r'height="[\d.]+mm"', f'height="{height:g}mm"', document, count=1)
    captions = "".join(
        f'<text x="{size * 0.05:g}" y="{size + line * (i + 0.9):g}" font-size="{line * 0.8:g}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" fill="#a4001d" textLength="{size * 0.9:g}" '
        f'lengthAdjust="spacingAndGlyphs">{escape(text)}</text>'
        for i, text in enumerate(lines))
    return document.replace("</svg>", f'<rect y="{size:g}" width="{size:g}" height="{height - size:g}" '
                            f'fill="#fff1f1"/>{captions}</svg>')


def png(url: str, box_size: int = 10, warning: tuple[str, ...] = ()) -> bytes:
    """Return the QR as a PNG image, with ``warning`` lines in red under it."""
    qr = _code(url)
    qr.box_size = box_size
    image = qr.make_image().get_image().convert("RGB")
    if warning:
        image = _png_caption(image, warning)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _png_caption(image, lines: tuple[str, ...]):
    import matplotlib
    from PIL import Image, ImageDraw, ImageFont

    # DejaVu Sans (inside matplotlib, as for the PDFs) has every Vietnamese glyph.
    bold = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf")
    width, size = image.width, max(10, image.width // 18)
    font = ImageFont.truetype(bold, size)
    while size > 8 and max(font.getlength(t) for t in lines) > width * 0.94:
        size -= 1
        font = ImageFont.truetype(bold, size)
    band = int(size * 1.4 * len(lines) + size)
    out = Image.new("RGB", (width, image.height + band), "#fff1f1")
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    for i, text in enumerate(lines):
        draw.text((width / 2, image.height + size * (0.5 + 1.4 * i)), text, font=font, fill="#a4001d", anchor="mt")
    return out


def write_files(url: str, stem: Path) -> list[Path]:
    """Write STEM.svg and STEM.png; return the paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    # Not with_suffix(): procedure codes such as 1.001193 contain dots.
    paths = [stem.parent / f"{stem.name}.svg", stem.parent / f"{stem.name}.png"]
    paths[0].write_bytes(svg(url))
    paths[1].write_bytes(png(url))
    return paths
