"""An XSS payload corpus and a check that a rendered page keeps every payload inert.

Each payload carries a unique marker (`xss00q` ... ) so that a finding names the
payload that got through. A page keeps a payload inert when:

- a payload with an HTML-significant character (< > " ' &) never appears raw:
  autoescaping turns each of them into an entity;
- after parsing the page as a browser would (entities in attributes decoded),
  the marker is in no event-handler attribute (onerror=, onload=, ...), in no
  URL attribute with a script scheme (href="javascript:..."), in no style
  attribute and in no <script> or <style> element.

The second check catches what a raw-string comparison cannot: a payload
rebuilt from entities (&#106;avascript:) or a template that moved text into an
attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# {m} is replaced by the payload's marker.
TEMPLATES = (
    "<script>alert('{m}')</script>",
    "<img src=x onerror=alert('{m}')>",
    '"><svg onload=alert("{m}")>',
    "'><svg/onload=alert('{m}')>",
    "<a href=\"javascript:alert('{m}')\">click me</a>",
    "javascript:alert('{m}')",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "<body onload=alert('{m}')>",
    "<details open ontoggle=alert('{m}')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "</textarea><script>alert('{m}')</script>",
    "</title><script>alert('{m}')</script>",
    "<style>@import 'javascript:alert(\"{m}\")';</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">',
    "<input autofocus onfocus=alert('{m}')>",
    "<a href=\"&#106;avascript:alert('{m}')\">entity scheme</a>",
    "<svg><animate onbegin=alert('{m}') attributeName=x dur=1s>",
    "<!--<img src=\"--><img src=x onerror=alert('{m}')//\">",
    "<base href=\"javascript:alert('{m}')//\">",
    "\\\"-alert('{m}')-\\\"",
    # Template injection: shown as typed, never evaluated.
    "{{{{ request.user.password }}}} {{{{ 7*7 }}}} {m}",
    "{{% debug %}} {{% load log %}} {m}",
    # Already-escaped text must not come back as markup.
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    # Unicode tricks: full-width brackets, a zero-width space, right-to-left override.
    "\uff1cscript\uff1ealert('{m}')\uff1c/script\uff1e",
    "<scr\u200bipt>alert('{m}')</script>",
    "\u202e<img src=x onerror=alert('{m}')>",
    "%3Cscript%3Ealert('{m}')%3C/script%3E",
)

HTML_SIGNIFICANT = set("<>\"'&")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "content",
    "background",
}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
RAW_TEXT_ELEMENTS = {"script", "style"}
# Browsers ignore these inside a URL scheme ("java\tscript:" runs).
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


@dataclass(frozen=True)
class Payload:
    text: str
    marker: str

    @property
    def needs_escaping(self) -> bool:
        return bool(HTML_SIGNIFICANT & set(self.text))


def corpus() -> list[Payload]:
    return [
        Payload(text=template.format(m=f"xss{n:02d}q"), marker=f"xss{n:02d}q")
        for n, template in enumerate(TEMPLATES)
    ]


class _ActiveContent(HTMLParser):
    """Collects every place on a page where text would be run, not shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.active: list[str] = []
        self._raw_text_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or name == "style":
                self.active.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and _IGNORED_IN_SCHEME.sub("", value).lower().startswith(
                SCRIPT_SCHEMES
            ):
                self.active.append(f"<{tag} {name}={value!r}>")
            elif name in URL_ATTRIBUTES and "url=javascript:" in value.lower().replace(" ", ""):
                self.active.append(f"<{tag} {name}={value!r}>")
        if tag in RAW_TEXT_ELEMENTS:
            self._raw_text_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in RAW_TEXT_ELEMENTS:
            self._raw_text_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in RAW_TEXT_ELEMENTS and self._raw_text_depth:
            self._raw_text_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._raw_text_depth:
            self.active.append(data)


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.active


def injected(html: str, payloads: list[Payload]) -> list[str]:
    """What of `payloads` the page would run or show as markup; [] when all are inert."""
    found = [f"raw: {p.text!r}" for p in payloads if p.needs_escaping and p.text in html]
    active = active_content(html)
    found += [f"active: {a}" for a in active for p in payloads if p.marker in a]
    return found
