"""The command line speaks the configured language: Chinese unless GONGZHI_LANG says otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.factories import make_world, register_csv


@pytest.fixture(autouse=True)
def default_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GONGZHI_LANG", raising=False)


def test_the_commands_answer_in_chinese_by_default(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert runner.invoke(args=["close-due"]).output.strip() == "已开启 0 场、已结束 0 场会议"
    make_world()
    register = tmp_path / "r.csv"
    register.write_bytes(register_csv("1,101,89.50,,,,张伟,,,"))
    assert "将导入 1 行：新增 1 个" in runner.invoke(args=["import-register", str(register), "--community", "lanting", "--dry-run"]).output
    assert "没有此小区：'nowhere'" in runner.invoke(args=["import-register", str(register), "--community", "nowhere"]).output
    made = runner.invoke(
        args=["create-user", "boss", "--name", "Boss", "--role", "administrator"], input="long enough pw\nlong enough pw\n"
    )
    assert made.output.strip().endswith("已创建账户 boss（administrator）")
    keys = runner.invoke(args=["keys", "init"]).output
    assert keys.startswith("已创建签名密钥 ") or keys.startswith("保留签名密钥 ")


def test_the_demo_speaks_chinese_by_default(app: Flask, runner: FlaskCliRunner) -> None:
    chinese = runner.invoke(args=["demo"]).output
    assert "兰亭苑：已导入 600 个专有部分" in chinese and "演示账户" in chinese and "在手机上试用的表决通知书" in chinese


def test_the_demo_speaks_english_on_request(app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGZHI_LANG", "en")
    english = runner.invoke(args=["demo"]).output
    assert "兰亭苑: 600 units imported" in english and "Demo logins" in english
