"""Every marked string has its Chinese translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_ids() -> set[str]:
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        ids.add(message[0] if isinstance(message, tuple) else message)
    return {i for i in ids if i}


def test_every_string_in_the_code_has_a_chinese_translation() -> None:
    with open(ROOT / "app/translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id[0] if isinstance(m.id, tuple | list) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple | list) else m.string) and not m.fuzzy
    }
    missing = sorted(extracted_ids() - translated)
    assert missing == [], "untranslated (run `make translations-update` and translate): " + "; ".join(missing)
