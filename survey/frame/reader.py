"""The dossier list is read by the shared bounded reader (survey.uploads)."""
from __future__ import annotations

from survey.uploads import UploadError as FrameFileError
from survey.uploads import read_table

__all__ = ["FrameFileError", "read_table"]
