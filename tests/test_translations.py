"""Every marked string has its Chinese translation."""

from __future__ import annotations

import re
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


# Template text that is not a translatable phrase: formats, hashes, commands and units.
TECHNICAL = {
    "JSON",
    "SHA",
    "UTC",
    "KB",
    "python",
    "app",
    "domain",
    "recount",
    "bulletin",
    "json",
    "keys",
    "gongzhi",
    "roll",
    "verify",
    "receipt",
}
# Printed in Chinese on purpose: the voting letter and the board's poster are paper for the owners (DESIGN §3).
CHINESE_BY_DESIGN = {"sessions/print.html", "notices/poster.html"}
# The register's column names are the spreadsheet format the importer reads, given in both languages.
FORMAT_TEXT = {"communities/register_upload.html"}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"{]*)"')
_WORD = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]+")


def test_no_template_shows_text_that_is_not_marked_for_translation() -> None:
    unmarked = []
    for path in sorted((ROOT / "app/templates").rglob("*.html")):
        name = path.relative_to(ROOT / "app/templates").as_posix()
        if name in CHINESE_BY_DESIGN | FORMAT_TEXT:
            continue
        source = _JINJA.sub(" ", path.read_text(encoding="utf-8"))
        for chunk in [*_TAG.sub("\n", source).split("\n"), *_ATTRIBUTE.findall(source)]:
            words = [w for w in _WORD.findall(chunk) if w not in TECHNICAL]
            if words:
                unmarked.append(f"{name}: {chunk.strip()[:60]}")
    assert unmarked == [], "text outside _() in templates: " + "; ".join(unmarked)
