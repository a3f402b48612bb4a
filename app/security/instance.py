"""Per-installation secrets kept as files in instance/ (mode 0600), created once on first use."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def instance_secret(path: Path) -> str:
    """The secret in ``path``, creating it if absent; two processes racing to create it agree on one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    text = path.read_text().strip()
    if not text:  # the creator has not written it yet
        time.sleep(0.05)
        text = path.read_text().strip()
    return text
