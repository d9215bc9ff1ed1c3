"""Traceability and structure of the book's prose pages.

- every clinical claim of the source article (chapters/claims.yaml) is taught on a page that is
  in the table of contents and cites the claim's sources (young2018 for uncited sentences);
- the glossary has at least 40 terms and each is used by a chapter;
- each chapter opens with learning objectives and prerequisites and ends with key points;
- variant chapters carry a practice explorer (opening blank) and a fictional case box;
- every citation of a work beyond the article sits in a visibly marked context.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import page_text, toc_entries

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
CITE_RE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
TERM_RE = re.compile(r"\{term\}`([^`]+)`")
BACK_MATTER = {"chapters/glossary.md", "chapters/references.md", "chapters/errata.md"}
VARIANT_PAGES = {
    "chapters/dystrophic.ipynb",
    "chapters/metastatic.ipynb",
    "chapters/idiopathic.ipynb",
    "chapters/iatrogenic.ipynb",
    "chapters/calciphylaxis.ipynb",
    "chapters/wisn.ipynb",
}
PRESET_IDS = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V11", "D1", "D2", "D3"}


# --------------------------------------------------------------------------- helpers
def toc_files() -> set[str]:
    """Paths (with suffix, relative to the root) of every page listed in _toc.yml."""
    names = toc_entries()
    found = set()
    for name in names:
        for suffix in (".md", ".ipynb"):
            if (ROOT / (name + suffix)).is_file():
                found.add(name + suffix)
                break
        else:
            found.add(name)  # listed but missing; reported by the tests that need it
    return found


def cited_keys(text: str) -> set[str]:
    keys = set()
    for group in CITE_RE.findall(text):
        keys.update(k.strip() for k in group.split(",") if k.strip())
    return keys


def bib_entries() -> dict[str, dict[str, str]]:
    """key -> fields, read by the course's one BibTeX reader (widgets.bibtex)."""
    from widgets.bibtex import read_bibtex

    return read_bibtex(ROOT / "references.bib")


def prose_pages() -> list[str]:
    """Markdown chapters in the table of contents (not back matter)."""
    return sorted(
        p
        for p in toc_files()
        if p.startswith("chapters/") and p.endswith((".md", ".ipynb")) and p not in BACK_MATTER
    )


def load_claims(path: Path = CHAPTERS / "claims.yaml") -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, f"{path}: expected a non-empty list of claims"
    return data


def claim_problems(claims: list[dict], toc: set[str], bib: dict[str, str]) -> list[str]:
    """Every way a claim fails to be traceable, as readable lines."""
    problems = []
    seen = set()
    texts: dict[str, str] = {}
    for i, claim in enumerate(claims):
        cid = claim.get("id") or f"#{i}"
        if cid in seen:
            problems.append(f"{cid}: duplicate id")
        seen.add(cid)
        if not str(claim.get("text", "")).strip():
            problems.append(f"{cid}: no text")
        keys = claim.get("cite")
        if not isinstance(keys, list):
            problems.append(f"{cid}: cite must be a list (empty for the article's uncited sentences)")
            keys = []
        for key in keys:
            if key not in bib:
                problems.append(f"{cid}: cite key {key!r} is not in references.bib")
        if claim.get("beyond") and not re.fullmatch(r"[1-5][A-E]?(\.\d+)?", str(claim.get("facts", ""))):
            problems.append(
                f"{cid}: a statement beyond the article must name the FACTS.md part that verifies it"
            )
        page = claim.get("page")
        if not page:
            problems.append(f"{cid}: no page")
            continue
        path = ROOT / page
        if not path.is_file():
            problems.append(f"{cid}: page {page} does not exist")
            continue
        if page not in toc:
            problems.append(f"{cid}: page {page} is not in _toc.yml")
        if page not in texts:
            texts[page] = page_text(path)
        have = cited_keys(texts[page])
        need = set(keys) or {"young2018"}
        missing = sorted(need - have)
        if missing:
            problems.append(
                f"{cid}: {page} does not cite {', '.join(missing)} ({claim.get('text', '')[:60]}...)"
            )
    return problems


# --------------------------------------------------------------------------- claims
def test_claims_are_all_traceable():
    claims = load_claims()
    problems = claim_problems(claims, toc_files(), bib_entries())
    ok = len(claims) - len({p.split(":")[0] for p in problems})
    print(f"traceability: {ok}/{len(claims)} claims traced ({100 * ok / len(claims):.0f} %)")
    assert not problems, "untraceable claims:\n" + "\n".join(problems)


def test_claims_cover_every_section_of_the_article():
    sections = {c["section"] for c in load_claims()}
    expected = {
        "abstract",
        "introduction",
        "calcium",
        "dystrophic calcification",
        "metastatic calcification",
        "idiopathic calcification",
        "iatrogenic calcification",
        "calciphylaxis",
        "warfarin-induced skin necrosis",
        "treatments",
        "conclusion",
    }
    assert expected <= sections, f"no claims from: {sorted(expected - sections)}"


def test_claims_checker_catches_failures(tmp_path):
    """The checker must be able to fail: a missing page, a page outside the toc, a missing cite."""
    stray = CHAPTERS / "leg-ulcers.md"
    claims = [
        {"id": "x1", "text": "t", "cite": ["franks2016"], "page": "chapters/no-such-page.md"},
        {"id": "x2", "text": "t", "cite": ["reiter2011b"], "page": "chapters/leg-ulcers.md"},
        {"id": "x3", "text": "t", "cite": ["franks2016"], "page": "chapters/leg-ulcers.md"},
        {"id": "x4", "text": "t", "cite": [], "page": None},
        {"id": "x5", "text": "t", "cite": ["nosuchkey"], "page": "chapters/leg-ulcers.md"},
        {"id": "x6", "text": "t", "cite": ["franks2016"], "page": "chapters/leg-ulcers.md", "beyond": True},
    ]
    assert stray.is_file()
    problems = claim_problems(claims, toc_files() - {"chapters/leg-ulcers.md"}, bib_entries())
    joined = "\n".join(problems)
    assert "x1: page chapters/no-such-page.md does not exist" in joined
    assert "x2: chapters/leg-ulcers.md does not cite reiter2011b" in joined
    assert "x3: page chapters/leg-ulcers.md is not in _toc.yml" in joined
    assert "x4: no page" in joined
    assert "x5: cite key 'nosuchkey' is not in references.bib" in joined
    assert "x6: a statement beyond the article must name the FACTS.md part that verifies it" in joined


def test_every_cited_key_exists():
    bib = bib_entries()
    missing = []
    for page in sorted(toc_files()):
        if page.endswith((".md", ".ipynb")):
            for key in cited_keys(page_text(page)):
                if key not in bib:
                    missing.append(f"{page}: {key}")
    assert not missing, missing


# --------------------------------------------------------------------------- glossary
def glossary_terms() -> list[str]:
    text = (CHAPTERS / "glossary.md").read_text(encoding="utf-8")
    m = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert m, "chapters/glossary.md has no {glossary} directive"
    return [line.strip() for line in m.group(1).splitlines() if line.strip() and not line[0].isspace()]


def term_target(use: str) -> str:
    m = re.match(r".*<([^>]+)>\s*$", use, re.S)
    return " ".join((m.group(1) if m else use).split()).lower()


def test_glossary_has_at_least_40_terms():
    terms = glossary_terms()
    assert len(terms) >= 40, f"only {len(terms)} glossary terms"
    assert len({t.lower() for t in terms}) == len(terms), "duplicate glossary terms"


def test_every_glossary_term_is_used_in_a_chapter():
    used = set()
    for page in toc_files():
        if page.endswith((".md", ".ipynb")) and page != "chapters/glossary.md":
            used.update(term_target(u) for u in TERM_RE.findall(page_text(page)))
    unused = [t for t in glossary_terms() if t.lower() not in used]
    assert not unused, f"glossary terms no chapter links with {{term}}: {unused}"


# --------------------------------------------------------------------------- chapter structure
@pytest.mark.parametrize("page", prose_pages())
def test_chapter_structure(page):
    text = page_text(page)
    lines = text.splitlines()
    assert lines and lines[0].startswith("# "), f"{page}: must start with '# Title'"
    pos = {}
    for label in ("Learning objectives", "Prerequisites", "Key points"):
        idx = text.find(label)
        assert idx >= 0, f"{page}: no '{label}' section"
        pos[label] = idx
    assert pos["Learning objectives"] < pos["Prerequisites"] < pos["Key points"], (
        f"{page}: sections out of order"
    )
    headings = [ln for ln in lines if re.match(r"#{1,6} ", ln)]
    # the QUIZ engineer's "Test yourself" may follow the key points, nothing else may
    tail = [h.strip() for h in headings[-2:]]
    assert tail[-1] == "## Key points" or tail == ["## Key points", "## Test yourself"], (
        f"{page}: the last section must be '## Key points' (optionally followed by '## Test yourself')"
    )
    assert "For education, not for clinical decisions" in text, f"{page}: no education statement"
    # heading levels never skip (h1 -> h2 -> h3)
    level = 1
    for h in headings[1:]:
        new = len(h) - len(h.lstrip("#"))
        assert new <= level + 1, f"{page}: heading level jumps to h{new} at {h!r}"
        level = new


@pytest.mark.parametrize("page", sorted(VARIANT_PAGES))
def test_variant_chapter_has_practice_explorer_and_case(page):
    text = page_text(page)
    # A variant chapter's explorer is a practice explorer that opens blank
    # (Explorer(mode="practice")): opening on the chapter's own preset gave its answer away.
    # A preset named explicitly must exist.
    calls = re.findall(r"^Explorer\(([^)\n]*)\)\s*$", text, re.M)
    assert any('mode="practice"' in c for c in calls), (
        f'{page}: no practice explorer (Explorer(mode="practice"))'
    )
    presets = {p for c in calls for p in re.findall(r'preset="(\w+)"', c)}
    assert presets <= PRESET_IDS, f"{page}: unknown preset {presets}"
    assert re.search(r"Case: .*fictional teaching composite", text), f"{page}: no fictional case box"


def test_every_variant_page_is_in_the_toc():
    missing = sorted(VARIANT_PAGES - toc_files())
    assert not missing, missing


@pytest.mark.parametrize("page", prose_pages())
def test_tables_and_figures_are_accessible(page):
    text = page_text(page)
    for m in re.finditer(r"```\{figure\}[^\n]*\n((?::[^\n]*\n)+)\n(.+?)\n```", text, re.S):
        assert ":alt:" in m.group(1), f"{page}: figure without :alt:"
        assert m.group(2).strip(), f"{page}: figure without caption"
    for m in re.finditer(r"```\{list-table\}[^\n]*\n((?::[^\n]*\n)+)", text):
        assert ":header-rows: 1" in m.group(1), f"{page}: list-table without a header row"


# --------------------------------------------------------------------------- beyond the article
def _contexts(text: str):
    """Yield (start, end, marker_text): the spans a citation can sit in, with the text whose
    marker (see MARKER) covers the whole span.

    - an admonition is covered by its title ("Beyond the article: ...", "The article says ...");
    - a table (list-table or pipe table) by its caption and header row, a row by itself;
    - a list item or a paragraph by itself;
    - an h2 section by its heading and first paragraph ("Everything in this section goes beyond
      the source article").
    """
    for m in re.finditer(r"^:::\{admonition\}([^\n]*)\n(.*?)^:::\s*$", text, re.S | re.M):
        yield m.start(), m.end(), m.group(1)
    for m in re.finditer(r"^```\{[\w-]+\}([^\n]*)\n(.*?)^```\s*$", text, re.S | re.M):
        rows = list(re.finditer(r"^\* - .*?(?=^\* - |^```)", m.group(0), re.S | re.M))
        yield m.start(), m.end(), m.group(1) + (rows[0].group(0) if rows else "")
        for row in rows:
            yield m.start() + row.start(), m.start() + row.end(), row.group(0)
    for m in re.finditer(r"(?:^\|.*\n?)+", text, re.M):
        yield m.start(), m.end(), m.group(0).split("\n", 1)[0]
        pos = m.start()
        for line in m.group(0).splitlines(keepends=True):
            yield pos, pos + len(line), line
            pos += len(line)
    item = r"^[ \t]*(?:[-*]|\d+\.) "
    for m in re.finditer(item + r".*?(?=" + item + r"|^\s*$|^:::|\Z)", text, re.S | re.M):
        yield m.start(), m.end(), m.group(0)
    for m in re.finditer(r"(?:^(?!\s*$).*\n?)+", text, re.M):
        if not re.search(item + "|^\\|", m.group(0), re.M):  # lists and tables: per item/row
            yield m.start(), m.end(), m.group(0)
    for m in re.finditer(r"^## .*?(?=^## |\Z)", text, re.S | re.M):
        yield m.start(), m.end(), "\n\n".join(m.group(0).split("\n\n", 2)[:2])


MARKER = re.compile(r"beyond\s+the\s+(source\s+)?article|†|the\s+article\s+says", re.I)


@pytest.mark.parametrize("page", prose_pages() + ["intro.md"])
def test_beyond_sources_are_marked(page):
    bib = bib_entries()
    from widgets.bibtex import is_beyond

    beyond = {k for k, v in bib.items() if is_beyond(v)}
    text = page_text(page)
    spans = [(s, e) for s, e, marker in _contexts(text) if MARKER.search(marker)]
    unmarked = []
    for m in CITE_RE.finditer(text):
        keys = {k.strip() for k in m.group(1).split(",")}
        if keys & beyond and not any(s <= m.start() < e for s, e in spans):
            line = text.count("\n", 0, m.start()) + 1
            unmarked.append(f"{page}:{line}: {sorted(keys & beyond)}")
    assert not unmarked, "citations of works beyond the article without a visible marker:\n" + "\n".join(
        unmarked
    )
