"""Local Sphinx extension: every page carries its own critical CSS (issue 19, first paint).

On a first visit over slow 3G nothing was drawn for three round trips: the page, then its eight
stylesheets (render-blocking, in <head>), then basic.css, which theme.css pulls in with @import.
Now each page has, in <head>, the rules of its stylesheets that can apply to its own markup
(a rule is kept with the selectors whose every class, id, element and attribute name occurs
in the page's markup; print rules, :hover/:focus states, keyframes and custom properties
nothing reads left out, @import followed, url()s pointed from the page),
and the stylesheets load without blocking: `media="print"`, switched to all once loaded, and
a <noscript> link for readers without scripts. The page is drawn as soon as its HTML arrives;
the full stylesheets restyle nothing they do not add to.

What this step adds sits between two comments, and it undoes itself before it applies: a page
whose HTML and stylesheets did not change comes out byte for byte as it was (and is not
rewritten), and a changed stylesheet updates every page. offline.py's _repair_html undoes it
first too, so its own repairs always see the theme's markup.
"""

from __future__ import annotations

import functools
import posixpath
import re
from pathlib import Path

START, END = "<!--critical-->", "<!--/critical-->"
ADDED = re.compile(re.escape(START) + r".*?<noscript>(.*?)</noscript>" + re.escape(END), re.S)
HEAD = re.compile(r"<head>.*?</head>", re.S)
STYLESHEET = re.compile(r'<link\b(?=[^>]*\brel="stylesheet")[^>]*\bhref="([^"]+)"[^>]*>')
IMPORT = re.compile(r'@import\s+(?:url\()?["\']?([^"\')]+)["\']?\)?\s*;')
URL = re.compile(r'url\((["\']?)(?![a-z]+:|/|#)([^"\')]+)\1\)')
ASYNC = ' media="print" onload="this.media=\'all\'"'


def top_level_split(prelude: str) -> list[str]:
    """A selector list split at its top-level commas, not those inside :not(a, b)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(prelude):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(prelude[start:i].strip())
            start = i + 1
    return [*parts, prelude[start:].strip()]


def undone(html: str) -> str:
    """The page as the theme wrote it: each stylesheet link back in place of what this added."""
    return ADDED.sub(lambda m: m.group(1), html)


def _urls_from(css: str, base: str) -> str:
    """`css`'s relative url()s, made relative to the folder `base` names (a path from the page)."""
    return URL.sub(
        lambda m: f"url({m.group(1)}{posixpath.normpath(posixpath.join(base, m.group(2)))}{m.group(1)})", css
    )


def _sheet(path: Path) -> str:
    """A stylesheet's text with its @imports inlined (their url()s made relative to it)."""
    css = path.read_text(encoding="utf-8")

    def inline(m):
        target = (path.parent / m.group(1)).resolve()
        return _urls_from(_sheet(target), posixpath.dirname(m.group(1))) if target.is_file() else m.group(0)

    return IMPORT.sub(inline, css)


USER_ACTION = re.compile(r":(?:hover|active|focus|focus-visible|focus-within)\b")
FUNCTIONAL = re.compile(r":(?:not|is|where|has)\((?:[^()]|\([^()]*\))*\)")
NAME = r"-?[_a-zA-Z][\w-]*"


def needs(selector: str) -> frozenset[str]:
    """What a page must have for `selector` to match in it: its classes (".x"), ids ("#x"),
    element names and attribute names ("[x"). What :not(), :is(), :where(), :has() hold is
    not counted (a rule is kept when in doubt)."""
    plain = FUNCTIONAL.sub("", selector)
    attrs = {"[" + a.lower() for a in re.findall(r"\[\s*([\w-]+)", plain)}
    plain = re.sub(r"::?[\w-]+(?:\([^)]*\))?", "", re.sub(r"\[[^\]]*\]", "", plain))
    return frozenset(
        {"." + c for c in re.findall(r"\.(" + NAME + ")", plain)}
        | {"#" + i for i in re.findall(r"#(" + NAME + ")", plain)}
        | {t.lower() for t in re.findall(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)", plain)}
        | attrs
    )


TAG = re.compile(r"<([a-zA-Z][\w-]*)([^>]*)>")
ATTR = re.compile(r"""([^\s=/"']+)(?:\s*=\s*(?:"([^"]*)"|'[^']*'|[^\s>]+))?""")


def has(html: str) -> set[str]:
    """The classes, ids, element and attribute names in a page's markup, as needs() names them."""
    out: set[str] = set()
    for tag, attributes in TAG.findall(html):
        out.add(tag.lower())
        for name, value in ATTR.findall(attributes):
            name = name.lower()
            out.add("[" + name)
            if name == "class":
                out.update("." + c for c in value.split())
            elif name == "id":
                out.add("#" + value)
    return out


@functools.lru_cache(maxsize=32)
def _rules(css: str) -> tuple:
    """The stylesheet parsed once: (selectors with the classes each needs, block) per rule,
    ("@", prelude, rules) per @media/@supports (print left out), (None, text) otherwise."""
    import tinycss2

    def walk(rules) -> tuple:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = []
                for selector in top_level_split(tinycss2.serialize(rule.prelude)):
                    if not USER_ACTION.search(selector):  # nothing is hovered or focused yet
                        selectors.append((selector, needs(selector)))
                out.append((tuple(selectors), "{" + tinycss2.serialize(rule.content) + "}"))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
                prelude = tinycss2.serialize(rule.prelude)
                if rule.lower_at_keyword == "media" and re.fullmatch(r"\s*print\s*", prelude):
                    continue
                inner = tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True)
                out.append(("@", f"@{rule.at_keyword}{prelude}", walk(inner)))
            elif rule.type == "at-rule" and rule.lower_at_keyword in ("import", "charset", "keyframes"):
                continue
            elif rule.type in ("at-rule", "qualified-rule"):
                out.append((None, tinycss2.serialize([rule])))
        return tuple(out)

    return walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True))


def critical(css: str, present: set[str]) -> str:
    """The rules of `css` that can apply to a page whose markup has `present` (see has())."""

    def kept(rules) -> str:
        out = []
        for rule in rules:
            if rule[0] == "@":
                inner = kept(rule[2])
                if inner:
                    out.append(f"{rule[1]}{{{inner}}}")
            elif rule[0] is None:
                out.append(rule[1])
            else:
                used = [selector for selector, need in rule[0] if need <= present]
                if used:
                    out.append(",".join(used) + rule[1])
        return "".join(out)

    return compact(kept(_rules(css)))


STRING = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def compact(css: str) -> str:
    """`css` with each run of whitespace made one space, and none beside { } ; (strings kept)."""
    parts = STRING.split(css)  # odd items are strings
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r" ?([{};]) ?", r"\1", re.sub(r"\s+", " ", parts[i]))
    return "".join(parts).strip()


# a custom property's declaration; its value may hold strings with ; in them (data: URLs)
CUSTOM = re.compile(r"""(--[\w-]+)\s*:((?:[^;{}"']+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')*)(?:;|(?=\}))""")
VAR = re.compile(r"var\(\s*(--[\w-]+)")


def unused_properties_removed(sheets: list[str], html: str) -> list[str]:
    """`sheets` without the custom properties (--x: ...) that nothing on the page reads: no
    rule of the sheets, no property that is read, no style attribute (Bootstrap's :root alone
    declares 150). The full stylesheets bring them all back when they load."""
    text = "".join(sheets)
    values: dict[str, list[str]] = {}
    for name, value in CUSTOM.findall(text):
        values.setdefault(name, []).append(value)
    read = set(VAR.findall(CUSTOM.sub("", text))) | set(VAR.findall(HEAD.sub("", html)))
    todo = list(read)
    while todo:
        for value in values.get(todo.pop(), []):
            for name in VAR.findall(value):
                if name not in read:
                    read.add(name)
                    todo.append(name)

    def drop(css: str) -> str:
        css = CUSTOM.sub(lambda m: m.group(0) if m.group(1) in read else "", css)
        return re.sub(r"[^{}]*\{\}", "", css)  # a rule left with no declaration

    return [drop(css) for css in sheets]


def with_critical_css(html: str, page: Path, read_sheet) -> str:
    """`html` (of the page at `page`) with each local stylesheet link preceded by its critical
    rules and loaded without blocking. `read_sheet(path)` gives a stylesheet's text."""
    html = undone(html)
    head = HEAD.search(html)
    if head is None:
        return html
    present = has(html)

    links = []  # (match, its critical CSS), in the order of the page
    for m in STYLESHEET.finditer(html, head.start(), head.end()):
        link, href = m.group(0), m.group(1)
        path = (page.parent / href.split("?")[0].split("#")[0]).resolve()
        if re.match(r"[a-z]+:|//", href) or " media=" in link or not path.is_file():
            continue
        links.append(
            (m, _urls_from(critical(read_sheet(path), present), posixpath.dirname(href.split("?")[0])))
        )
    sheets = unused_properties_removed([css for _, css in links], html)
    out, at = [], 0
    for (m, _), css in zip(links, sheets, strict=True):
        link = m.group(0)
        style = f"<style>{css}</style>" if css else ""
        tail = "/>" if link.endswith("/>") else ">"
        quiet = link[: -len(tail)].rstrip() + ASYNC + tail
        out += [html[at : m.start()], f"{START}{style}{quiet}<noscript>{link}</noscript>{END}"]
        at = m.end()
    return "".join(out) + html[at:]


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _add_critical_css(app, exception):
    if exception is not None or app.builder.name != "html":
        return
    import json

    outdir = Path(app.outdir)
    read_sheet = functools.lru_cache(maxsize=None)(_sheet)
    # a page is redone only when it or a stylesheet changed (a no-op build rewrote none anyway,
    # but recomputing took 1.5 s): {page: digest of the page as written}, valid while the
    # stylesheets' contents are the same
    css_files = sorted((outdir / "_static").rglob("*.css"))
    sheets = _digest("".join(f"{p.relative_to(outdir)}\n{p.read_text(encoding='utf-8')}" for p in css_files))
    cache_file = Path(app.doctreedir) / "critical-css.json"
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        done = cache["pages"] if cache.get("sheets") == sheets else {}
    except (OSError, ValueError, KeyError):
        done = {}
    written = {}
    for path in sorted(outdir.rglob("*.html")):
        if path.relative_to(outdir).parts[0].startswith("_"):  # theme leftovers, sources
            continue
        name = path.relative_to(outdir).as_posix()
        text = path.read_text(encoding="utf-8")
        if done.get(name) == _digest(text):
            written[name] = done[name]
            continue
        new = with_critical_css(text, path, read_sheet)
        if new != text:
            path.write_text(new, encoding="utf-8")
        written[name] = _digest(new)
    cache_file.write_text(json.dumps({"sheets": sheets, "pages": written}), encoding="utf-8")


def setup(app):
    # after offline.py's repairs and theme trimming (priority 500) and the components' page
    # rewrite; before the service worker (900), which lists every file with its hash
    app.connect("build-finished", _add_critical_css, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
