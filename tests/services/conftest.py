import pytest


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Service tests read messages in English; the web tests check both languages."""
    monkeypatch.setenv("GONGZHI_LANG", "en")
