"""Writes of the results pages: tagging a comment with an element."""
from __future__ import annotations

from sqlalchemy.orm import Session

from survey import audit
from survey.models import Comment


def tag_comment(s: Session, response_id: int, element_code: str | None) -> None:
    """Set (or clear, with None) the element of a comment and record who did it; the view commits."""
    comment = s.get(Comment, response_id)
    if comment is None:  # the view found it; removed since (retention): nothing left to tag
        return
    comment.element_code = element_code
    audit.record("comment.tag", f"comment:{response_id}", element_code or "")
