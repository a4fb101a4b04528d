"""What the failover tests need from the machine; under CI=true a missing piece fails the run."""
from __future__ import annotations

import os
import shutil

import pytest


def require(condition: bool, reason: str) -> None:
    """Skip outside CI, fail in CI: there every piece is installed (.ci/system-deps)."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def require_tools(*tools: str) -> None:
    missing = [t for t in tools if not shutil.which(t)]
    require(not missing, f"missing {', '.join(missing)} (Debian packages nginx, iproute2, openssl)")
