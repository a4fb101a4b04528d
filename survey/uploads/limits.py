"""The limits an uploaded table must stay within, and the budget that counts them."""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask_babel import gettext as _


class UploadError(ValueError):
    """The file cannot be read as a table; the message is shown to staff as is."""


@dataclass(frozen=True)
class TableLimits:
    """Ceilings for one uploaded table; defaults fit the largest real dossier list."""

    max_bytes: int = 10 * 1024 * 1024  # the upload itself (MAX_CONTENT_LENGTH too)
    max_rows: int = 200_000  # data rows: a city's dossiers for a year
    max_columns: int = 256  # one-stop exports have a few dozen columns
    max_cell_chars: int = 4_000  # a procedure name is at most 500
    # CSV only: one record's characters, checked before the csv module splits
    # it (so a line of a million commas never becomes a million strings).
    max_record_chars: int = 128 * 1024
    # XLSX only: what the archive may unpack to, and how much it may shrink.
    # Real sheets compress 5–30 times; 228 KB that unpacks to 78 MB is a bomb.
    max_unpacked: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_entries: int = 1_000
    seconds: float = 30.0  # wall time for reading, whatever the file holds


DEFAULT_LIMITS = TableLimits()


class Budget:
    """Count rows and time while reading; raise UploadError past a limit."""

    def __init__(self, limits: TableLimits) -> None:
        self.limits = limits
        self._deadline = time.monotonic() + limits.seconds
        self.rows = 0

    def row(self, width: int) -> None:
        """Account for one more row (header included) of ``width`` cells."""
        self.rows += 1
        if self.rows > self.limits.max_rows + 1:
            raise UploadError(_("Tệp có quá %(n)s dòng.", n=f"{self.limits.max_rows:,}".replace(",", ".")))
        if width > self.limits.max_columns:
            raise UploadError(_("Dòng %(line)s có quá %(n)s cột.", line=self.rows, n=self.limits.max_columns))
        if self.rows % 1000 == 0:
            self.check_time()

    def cell(self, text: str) -> str:
        """Return the cell's text after checking its length."""
        if len(text) > self.limits.max_cell_chars:
            raise UploadError(_("Dòng %(line)s có ô dài quá %(n)s ký tự.", line=self.rows, n=self.limits.max_cell_chars))
        return text

    def check_time(self) -> None:
        if time.monotonic() > self._deadline:
            raise UploadError(_("Tệp cần quá nhiều thời gian để đọc; hãy chia nhỏ tệp."))
