"""Fill msgstr entries of a catalog from a Python dict file: fill_translations.py CATALOG.po DICT.py

Used when adding a batch of strings; the .po file stays the source of truth.
"""

import runpy
import sys

from babel.messages.pofile import read_po, write_po

catalog_path, dict_path = sys.argv[1], sys.argv[2]
table = runpy.run_path(dict_path)["ZH"]
with open(catalog_path, "rb") as fh:
    catalog = read_po(fh, locale="zh_CN")
missing = []
for message in catalog:
    if not message.id:
        continue
    key = message.id if isinstance(message.id, str) else tuple(message.id)
    if key in table:
        message.string = table[key]
        message.flags.discard("fuzzy")
    elif not (message.string if isinstance(message.string, str) else all(message.string)):
        missing.append(key)
with open(catalog_path, "wb") as fh:
    write_po(fh, catalog, width=120, omit_header=False, sort_output=True, no_location=True)
for key in missing:
    print("untranslated:", key)
