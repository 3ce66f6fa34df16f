"""The Indonesian catalogue is complete and compiled: no UI string falls back to English."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "id" / "LC_MESSAGES"


def po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = {}
    for block in text.split("\n\n")[1:]:
        if "#, fuzzy" in block:
            entries[block] = ""
            continue
        head = block.split("msgstr")[0].split("msgid", 1)[1]
        if "msgid_plural" in head:
            head = head.split("msgid_plural")[0]
        msgid = "".join(re.findall(r'"(.*)"', head))
        msgstr = "".join(re.findall(r'"(.*)"', block.split("msgstr", 1)[1]))
        entries[msgid] = msgstr
    return entries


def test_every_string_has_an_indonesian_translation():
    entries = po_entries()
    assert len(entries) > 90
    assert [msgid for msgid, msgstr in entries.items() if not msgstr] == []


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    assert catalog.gettext("Sign in") == "Masuk"
    stale = {
        msgid: msgstr
        for msgid, msgstr in po_entries().items()
        if "msgid_plural" not in msgid and catalog.gettext(msgid) != msgstr
    }
    assert stale == {}, "run `make messages` to recompile locale/id"
