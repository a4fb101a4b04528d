"""Render a blank form once per counter, service, questionnaire and language.

Rendering the questionnaire (~450 macro calls) dominated a form GET. The blank
form differs between requests only by the CSRF token, the submission key and
the CSP nonce, so it is rendered once with placeholders and each request fills
them in. The key holds everything else the page shows (unit and counter names,
the counter's services), so a catalogue change renders a new page at once.

The page also goes out gzipped (about 4 KB instead of 21 KB: one round trip on
a slow mobile network) without compressing it per request, which cost as much
as the rest of the GET. The static stretches between placeholders are
deflated once, each ending on a byte boundary with no reference to earlier
text (a sync flush from its own compressor); a request adds its secrets as
stored (uncompressed) deflate blocks between them, a final empty block and the
gzip trailer (RFC 1951 section 3.2.4, RFC 1952).
"""
from __future__ import annotations

import re
import secrets
import struct
import threading
import zlib
from dataclasses import dataclass
from typing import Callable, Hashable

from flask import Flask, current_app

MAX_PAGES = 256  # per app and worker: a few counters × services × 2 languages
EXTENSION = "sipas.pages"

# Random per process, alphanumeric so HTML escaping leaves them intact.
CSRF = "csrf" + secrets.token_hex(12)
KEY = "key" + secrets.token_hex(12)
NONCE = "nonce" + secrets.token_hex(12)
_PLACEHOLDER = re.compile(f"({CSRF}|{KEY}|{NONCE})")

# mtime 0 (none), no flags, OS "unknown": the page carries no date or name.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_FINAL_BLOCK = zlib.compressobj(6, zlib.DEFLATED, -15).flush()  # an empty last block


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)  # raw deflate, no zlib header
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def _stored(data: bytes) -> bytes:
    # A non-final stored block starts at a byte boundary: header byte, LEN, NLEN.
    return b"\x00" + struct.pack("<HH", len(data), len(data) ^ 0xFFFF) + data


@dataclass(frozen=True)
class Blank:
    """A rendered page cut at its placeholders: text, placeholder, text, …"""

    pieces: tuple[str, ...]
    encoded: tuple[bytes, ...]    # the static pieces (even positions) as UTF-8
    deflated: tuple[bytes, ...]   # the static pieces, each deflated on its own

    @classmethod
    def of(cls, page: str) -> Blank:
        pieces = tuple(_PLACEHOLDER.split(page))
        encoded = tuple(p.encode() for p in pieces[::2])
        return cls(pieces, encoded, tuple(_deflate(b) for b in encoded))


class PageCache:
    """One app's rendered pages; kept in ``app.extensions``."""

    def __init__(self) -> None:
        self._pages: dict[Hashable, Blank] = {}  # insertion order: the oldest page goes first
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> Blank:
        page = self._pages.get(key)
        if page is None:
            page = Blank.of(render())
            with self._lock:
                self._pages[key] = page
                if len(self._pages) > MAX_PAGES:
                    del self._pages[next(iter(self._pages))]
        return page


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = PageCache()


def blank_page(key: Hashable, render: Callable[[], str]) -> Blank:
    """Return the current app's page for `key`, rendering (with placeholders) on a miss."""
    return current_app.extensions[EXTENSION].get(key, render)


def _values(csrf_token: str, submission_key: str, nonce: str) -> dict[str, str]:
    return {CSRF: csrf_token, KEY: submission_key, NONCE: nonce}


def fill(page: Blank, csrf_token: str, submission_key: str, nonce: str) -> str:
    """Put this request's secrets into a cached page."""
    values = _values(csrf_token, submission_key, nonce)
    return "".join(values[p] if i % 2 else p for i, p in enumerate(page.pieces))


def fill_gzip(page: Blank, csrf_token: str, submission_key: str, nonce: str) -> bytes:
    """The same page as `fill`, as a gzip member, without compressing the page again."""
    values = _values(csrf_token, submission_key, nonce)
    out = [_GZIP_HEADER]
    crc = size = 0
    for i, piece in enumerate(page.pieces):
        if i % 2:
            data = values[piece].encode()
            out.append(_stored(data))
        else:
            data = page.encoded[i // 2]
            out.append(page.deflated[i // 2])
        crc = zlib.crc32(data, crc)
        size += len(data)
    out.append(_FINAL_BLOCK)
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)
