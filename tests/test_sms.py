"""Text messages go through the configured sender: the logging one writes them to the instance folder."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from app import sms


class Refusing:
    def __init__(self, app: Flask) -> None:
        self.tried: list[str] = []

    def send(self, message: sms.Message) -> None:
        self.tried.append(message.phone)
        raise ConnectionError("gateway down")


def test_the_logging_sender_writes_each_message_to_the_instance_folder(app: Flask) -> None:
    sms.send_all([sms.Message("13800000001", "您的报修已受理", "request:x:acknowledged"), sms.Message("", "无号码", "request:y:filed")])
    lines = (Path(app.instance_path) / "sms-outbox.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["phone"] for line in lines] == ["13800000001"]  # no phone, no message
    assert json.loads(lines[0])["text"] == "您的报修已受理"


def test_a_failing_gateway_is_logged_and_the_other_messages_still_go(app: Flask) -> None:
    app.config["SMS_SENDER"] = "tests.test_sms:Refusing"
    app.extensions.pop(sms.EXTENSION, None)
    sms.send_all([sms.Message("13800000001", "a", "r1"), sms.Message("13800000002", "b", "r2")])
    sender = sms.sender()
    assert isinstance(sender, Refusing) and sender.tried == ["13800000001", "13800000002"]
