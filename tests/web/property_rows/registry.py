"""Rows of the registry's and contracts' routes."""

from __future__ import annotations

from typing import Any

ROWS: dict[str, tuple[str, str, tuple[int, ...]]] = {}


def setup(pw: Any) -> dict[str, str]:
    return {"a": str(pw.community.id), "b": str(pw.world.other_community.id), "company": pw.company.public_id, "city": pw.city.code}
