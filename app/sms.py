"""Text messages to owners' and staff's phones, through a pluggable sender.

``SMS_SENDER`` names the sender: ``log`` (the default) appends each message as a JSON line to
``instance/sms-outbox.jsonl``, for development and tests, and sends nothing; a deployment names its gateway's class
as ``package.module:Class`` (constructed with the app, answering ``send``). Messages are sent after the transaction
that caused them commits, so a rolled-back step never texts anyone; a failing gateway is logged, never raised.
"""

from __future__ import annotations

import importlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

EXTENSION = "gongzhi.sms"


@dataclass(frozen=True)
class Message:
    phone: str
    text: str
    ref: str  # what it is about, for the log: e.g. "request:AbC123:acknowledged"


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class LoggingSender:
    """Writes every message to a JSON-lines file in the instance folder instead of sending it."""

    def __init__(self, app: Flask) -> None:
        self.path = Path(app.instance_path) / "sms-outbox.jsonl"
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        line = {"at": datetime.now(UTC).isoformat(), "phone": message.phone, "text": message.text, "ref": message.ref}
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def sent(self) -> list[dict[str, str]]:
        """The messages written so far (for tests and the development console)."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]


def _build(app: Flask) -> Sender:
    name = app.config.get("SMS_SENDER") or "log"
    if name == "log":
        return LoggingSender(app)
    module, _, cls = str(name).partition(":")
    if not cls:
        raise RuntimeError(f'SMS_SENDER must be "log" or "package.module:Class", got "{name}"')
    return getattr(importlib.import_module(module), cls)(app)


def sender() -> Sender:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = _build(app)
    return found


def send_all(messages: list[Message]) -> None:
    """Send each message (after the caller's commit); a failure is logged and the rest still go."""
    out = sender()
    for message in messages:
        if not message.phone:
            continue
        try:
            out.send(message)
        except Exception:
            current_app.logger.exception("SMS to %s failed (%s)", message.phone[-4:], message.ref)
