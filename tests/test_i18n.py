"""The Simplified Chinese catalogue: complete, well-formed, and what a visitor
who picks 中文 in the language switcher actually gets.

The tests read the committed locale/zh_Hans/LC_MESSAGES/django.po, never a
django.mo lying around from an earlier `make messages`: they compile their
own copy, so a stale or missing .mo cannot make them pass or fail.

When a test here lists untranslated strings, extract them, translate the new
entries (the glossary is at the top of the .po) and run these tests again:

    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var \\
        --ignore=staticfiles --ignore=bench --ignore=tests
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.html import escape

from tests.campaigns.factories_site import site_settings  # noqa: F401 (autouse fixture)
from tests.factories import StaffFactory

LOCALE = "zh_Hans"
LANGUAGE = "zh-hans"
CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
# The folders that command skips: third-party code, local state, and benchmarks
# and tests, which speak to developers only.
MAKEMESSAGES_IGNORE = (".venv", "var", "staticfiles", "bench", "tests")
# Besides those, what a copy of the source tree leaves out: hidden folders
# (makemessages skips them anyway), compiled files and build outputs.
COPY_IGNORE = (*MAKEMESSAGES_IGNORE, ".*", "__pycache__", "*.pyc", "*.mo", "artifacts")

# Printf-style placeholders (%(name)s, %s, %.1f, but not a literal %%), brace
# placeholders ({name}) and HTML tags: a translation must keep every one.
_TOKEN_RE = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}|</?[a-zA-Z][^>]*>")
_KEYWORD_RE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')


# --- a small .po reader (no polib in the requirements) ---------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def source(self) -> str:
        # With one plural form in Chinese, msgstr[0] serves every count, so it
        # carries the plural's placeholders (a singular may leave the count out).
        return self.msgid_plural if self.msgid_plural is not None else self.msgid

    @property
    def translated(self) -> bool:
        return bool(self.msgstrs) and all(self.msgstrs) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header (msgid "") included, obsolete (#~) ones marked."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, keyword = Entry(), None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line.strip():
                continue
            elif match := _KEYWORD_RE.match(line):
                keyword, text = match.group(1), ast.literal_eval(match.group(2))
                if keyword.startswith("msgstr"):
                    entry.msgstrs.append(text)
                else:
                    setattr(entry, keyword, text)
            elif line.startswith('"') and keyword:
                text = ast.literal_eval(line)
                if keyword.startswith("msgstr"):
                    entry.msgstrs[-1] += text
                else:
                    setattr(entry, keyword, getattr(entry, keyword) + text)
            else:
                raise ValueError(f"{path}: cannot read {line!r}")
        if keyword:
            entries.append(entry)
    return entries


def messages(path: Path) -> list[Entry]:
    """The translatable entries: no header, no obsolete ones."""
    return [e for e in read_po(path) if e.msgid and not e.obsolete]


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN_RE.findall(text.replace("%%", "")))


def chinese(msgid: str) -> str:
    """The committed translation of msgid, as it appears escaped in HTML."""
    (entry,) = [e for e in messages(CATALOGUE) if e.msgid == msgid and e.msgctxt is None]
    assert entry.translated and entry.msgstrs[0] != msgid, f"{msgid!r} has no Chinese translation"
    return escape(entry.msgstrs[0])


# --- fixtures -------------------------------------------------------------------------


def _msgfmt(po: Path, mo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["msgfmt", "--check", "-o", str(mo), str(po)], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def compiled_locale(tmp_path_factory) -> Path:
    """LOCALE_PATHS holding a .mo compiled just now from the committed .po."""
    root = tmp_path_factory.mktemp("locale")
    target = root / LOCALE / "LC_MESSAGES"
    target.mkdir(parents=True)
    result = _msgfmt(CATALOGUE, target / "django.mo")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def zh_client(client, settings, compiled_locale):
    """A visitor who chose Simplified Chinese in the site's language switcher.
    Changing LOCALE_PATHS makes Django drop the translations it has loaded."""
    settings.LOCALE_PATHS = [compiled_locale]
    response = client.post(reverse("set_language"), {"language": LANGUAGE, "next": "/"})
    assert response.status_code == 302
    return client


# --- the catalogue ---------------------------------------------------------------------


def test_the_catalogue_compiles_with_msgfmt_check_and_no_warnings(tmp_path):
    result = _msgfmt(CATALOGUE, tmp_path / "django.mo")

    assert (result.returncode, result.stderr) == (0, "")


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    untranslated = [e.msgid for e in messages(CATALOGUE) if not e.translated]

    assert not untranslated, "\n".join(untranslated)


def test_the_catalogue_header_is_not_fuzzy_and_has_one_plural_form():
    (header,) = [e for e in read_po(CATALOGUE) if not e.msgid]

    assert "fuzzy" not in header.flags
    assert "Plural-Forms: nplurals=1; plural=0;" in header.msgstrs[0]


def test_every_string_the_source_marks_for_translation_is_translated(tmp_path):
    # makemessages runs in a copy of the source tree, so the committed
    # catalogue is never rewritten; it takes about two seconds.
    source = tmp_path / "src"
    shutil.copytree(
        django_settings.BASE_DIR, source, ignore=shutil.ignore_patterns(*COPY_IGNORE), symlinks=True
    )
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            f"--locale={LOCALE}",
            "--no-location",
            *(f"--ignore={name}" for name in MAKEMESSAGES_IGNORE),
        ],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = messages(source / "locale" / LOCALE / "LC_MESSAGES" / "django.po")
    committed = {e.key: e for e in messages(CATALOGUE)}

    missing = [e.msgid for e in extracted if e.key not in committed or not committed[e.key].translated]

    assert extracted, "makemessages extracted nothing"
    assert not missing, "Run makemessages and translate in locale/zh_Hans:\n" + "\n".join(missing)


def test_every_translation_keeps_the_placeholders_and_html_of_its_source():
    mismatched = [
        (e.source, msgstr)
        for e in messages(CATALOGUE)
        for msgstr in e.msgstrs
        if msgstr and tokens(msgstr) != tokens(e.source)
    ]

    assert mismatched == []


def test_the_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert tokens("%(n)s 票") == tokens("%(n)s votes")
    assert tokens("票") != tokens("%(n)s votes")
    assert tokens("%(count)s 票") != tokens("%(n)s votes")
    assert tokens("<b>{name}</b>") != tokens("{name}")


# --- the site in Chinese ------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_choice_the_site_speaks_english(client, settings, compiled_locale, campaign):
    settings.LOCALE_PATHS = [compiled_locale]

    html = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in html
    assert "Open campaigns" in html


@pytest.mark.django_db
def test_the_home_page_speaks_chinese_after_choosing_it_in_the_switcher(zh_client, campaign):
    html = zh_client.get(reverse("home")).content.decode()

    assert '<html lang="zh-hans">' in html
    for msgid in ("Open campaigns", "Shape the products you will use", "Log in", "Language"):
        assert chinese(msgid) in html


@pytest.mark.django_db
def test_a_campaign_page_speaks_chinese_after_choosing_it_in_the_switcher(zh_client, idea):
    html = zh_client.get(idea.campaign.get_absolute_url()).content.decode()

    assert '<html lang="zh-hans">' in html
    for msgid in ("Brief", "Submit an idea", "Trending", "Collecting ideas"):
        assert chinese(msgid) in html


@pytest.mark.django_db
def test_the_login_page_speaks_chinese_after_choosing_it_in_the_switcher(zh_client):
    html = zh_client.get(reverse("login")).content.decode()

    assert '<html lang="zh-hans">' in html
    for msgid in ("Forgot your password?", "New here? Create an account"):
        assert chinese(msgid) in html


@pytest.mark.django_db
def test_the_admin_index_speaks_chinese_after_choosing_it_in_the_switcher(zh_client, brand):
    zh_client.force_login(StaffFactory(brand=brand))

    html = zh_client.get(reverse("admin:index")).content.decode()

    assert 'lang="zh-hans"' in html
    for msgid in ("Moderation queue", "Community", "campaigns"):
        assert chinese(msgid) in html
