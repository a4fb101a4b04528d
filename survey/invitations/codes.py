"""Short codes a person can type from a slip: 8 characters, no 0/O/1/I look-alikes."""
from __future__ import annotations

import re
import secrets

# 32 symbols → 40 random bits per code: guessing one live code among a
# commune's few thousand takes ~10^8 tries, far beyond the rate limits.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 8
_CLEAN = re.compile(r"[\s\-_.]")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str | None:
    """Return the code as stored (upper case, no separators), or None if it cannot be one."""
    code = _CLEAN.sub("", raw or "").upper()
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """Print as ABCD-EFGH: two groups are easier to copy."""
    return f"{code[:4]}-{code[4:]}"
