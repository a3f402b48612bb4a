"""The property-service routes' rows of the authorization matrix, one module per part (registry, requests, lists,
API): each has ``ROWS`` (endpoint: method, path, the status per role in ``ROLES`` order), and may have ``FORM_DATA``
and a ``setup(pw)`` returning the values its paths name (``{a}``, ``{company}``, ...)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any

ROLES = ("anonymous", "admin", "chair", "outsider", "official", "staff", "staff_b", "district")

Row = tuple[str, str, tuple[int, ...]]


def parts() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]


def rows() -> dict[str, Row]:
    out: dict[str, Row] = {}
    for part in parts():
        for endpoint, row in part.ROWS.items():
            assert endpoint not in out, f"{endpoint} has rows in two parts"
            assert len(row[2]) == len(ROLES), f"{endpoint}: one status per role in {ROLES}"
            out[endpoint] = row
    return out


def form_data() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for part in parts():
        out.update(getattr(part, "FORM_DATA", {}))
    return out


def setups() -> list[Callable[[Any], dict[str, str]]]:
    return [part.setup for part in parts() if hasattr(part, "setup")]
