"""Local Sphinx extension: the course's components in the static book, written once per build.

After every HTML build this reads the widget state saved in each page (every
``application/vnd.jupyter.widget-state+json`` script: myst-nb's from a notebook, the quiz
directive's on a Markdown page), and for
each course component (``_anywidget_id`` "widgets.<module>.<Class>", see widgets/_site.py):

- writes the component's current ES module and CSS once into ``_components/`` (file names
  carry a content hash, so a browser never runs a cached old copy);
- writes its site data (``_site_data_traits``: rules, a bank, a case), recomputed from the
  source data, into ``_components/data/<hash>.json``, one file per distinct trait value (the
  rules are one file for the whole site);
- leaves in the page only the page's own state plus ``_site_module``, ``_site_css`` and
  ``_site_data`` ({trait: path}): paths from the site root, which ``anywidget-loader.js``
  resolves.

It runs over every page on every build (also pages an incremental build did not rewrite), so
editing a rule, a bank or a component's JS needs no notebook re-execution for the site to be
current. Files of earlier builds that no page uses any more are removed.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

STATE_SCRIPT = re.compile(
    r'(<script type="application/vnd\.jupyter\.widget-state\+json">)(.*?)(</script>)', re.S
)
FOLDER = "_components"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


class SiteComponents:
    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.folder = outdir / FOLDER
        self.used: set[Path] = set()

    def _write(self, relative: str, text: str) -> str:
        path = self.outdir / relative
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.used.add(path)
        return relative

    def module(self, cls, anywidget_id: str) -> dict[str, str]:
        refs = {"_site_module": self._write(f"{FOLDER}/{anywidget_id}.{_digest(cls._esm)}.js", cls._esm)}
        css = getattr(cls, "_css", "") or ""
        if css:
            refs["_site_css"] = self._write(f"{FOLDER}/{anywidget_id}.{_digest(css)}.css", css)
        return refs

    def data(self, values: dict) -> dict[str, str]:
        # one file per trait value, named by its content: the rules are one file for every
        # component and page that uses them (explorer, case walk-throughs), cached once
        out = {}
        for trait, value in values.items():
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            out[trait] = self._write(f"{FOLDER}/data/{_digest(text)}.json", text)
        return out

    def remove_unused(self) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.rglob("*"):
            if path.is_file() and path not in self.used:
                path.unlink()


# Site data recomputed only when its inputs changed (issue 19: a no-op build recomputed every
# case and bank for every page, most of its time). Kept between builds in the doctree folder,
# keyed by the component and its page state, valid while no file of DATA_INPUTS changed.
DATA_INPUTS = ("widgets", "cases", "quizzes", "references.bib")
_data_cache: dict = {}


def _inputs_digest(root: Path) -> str:
    stamp = []
    for name in DATA_INPUTS:
        top = root / name
        for path in sorted(top.rglob("*") if top.is_dir() else [top]):
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                stamp.append(f"{path.relative_to(root)} {info.st_size} {info.st_mtime_ns}")
    return _digest("\n".join(stamp))


def _cached_site_data(cls, anywidget_id: str, state: dict, site: SiteComponents) -> dict[str, str] | None:
    from widgets._site import CODE_TRAITS, data_traits, site_data

    # the key is what stays in the page: a page's state before and after its first rewrite
    skip = {"_site_data", "_site_module", "_site_css", *CODE_TRAITS, *data_traits(cls)}
    key = anywidget_id + json.dumps({k: v for k, v in state.items() if k not in skip}, sort_keys=True)
    paths = _data_cache.get(key)
    if paths is not None and all((site.outdir / p).is_file() for p in paths.values()):
        site.used.update(site.outdir / p for p in paths.values())
        return paths
    values = site_data(cls, state)
    paths = site.data(values) if values else None
    if paths is not None:
        _data_cache[key] = paths
    return paths


def rewrite_state(state_json: dict, site: SiteComponents) -> bool:
    from widgets._site import CODE_TRAITS, component_class, data_traits

    changed = False
    for model in state_json.get("state", {}).values():
        state = model.get("state", {})
        anywidget_id = state.get("_anywidget_id")
        cls = component_class(anywidget_id)
        if cls is None:
            continue
        refs = site.module(cls, anywidget_id)
        paths = _cached_site_data(cls, anywidget_id, state, site)
        if paths:
            refs["_site_data"] = paths
        elif data_traits(cls) and isinstance(state.get("_site_data"), dict):
            # stored values already moved out by an earlier build of this page
            refs["_site_data"] = state["_site_data"]
            site.used.update(site.outdir / path for path in state["_site_data"].values())
        drop = set(CODE_TRAITS) | set(data_traits(cls))
        new_state = {k: v for k, v in state.items() if k not in drop} | refs
        if new_state != state:
            model["state"] = new_state
            changed = True
    return changed


# Where a component would be: a note for a reader without JavaScript, and one that the loader
# replaces as the component mounts (it stays, with what to do, when the page's modules cannot
# load at all, e.g. a page opened from file://). Hidden where scripting is off: the noscript says it.
VIEW_SCRIPT = re.compile(r'(<script type="application/vnd\.jupyter\.widget-view\+json">.*?</script>)', re.S)
PLACEHOLDER_CLASS = "anywidget-pending"
PLACEHOLDER = (
    '<noscript><p class="anywidget-static-notice">This interactive part of the page needs JavaScript: '
    "turn it on to use it, or read on: the text around it stands alone. "
    "For education, not for clinical decisions.</p></noscript>"
    f'<p class="{PLACEHOLDER_CLASS} anywidget-static-notice">Loading the interactive part of the page… '
    "If this message stays, open the book through a web server (in the book's folder run "
    "<code>python -m http.server</code> and open http://localhost:8000/) or open the hosted book.</p>"
)
PLACEHOLDER_STYLE = (
    '<style id="anywidget-pending-style">'
    "@media (scripting: none) { .anywidget-pending { display: none; } }</style>"
)


def add_placeholders(text: str) -> str:
    """Put the no-JavaScript note and the loading note after every widget view in a page."""
    if PLACEHOLDER_CLASS in text or "widget-view+json" not in text:
        return text
    text = VIEW_SCRIPT.sub(lambda m: m.group(1) + PLACEHOLDER, text)
    return text.replace("</head>", PLACEHOLDER_STYLE + "</head>", 1)


def write_shared_ui(site: SiteComponents) -> None:
    """widgets/static/ui.js beside the components: the loader shows its failure view."""
    source = Path(__file__).resolve().parent.parent / "widgets" / "static" / "ui.js"
    site._write(f"{FOLDER}/ui.js", source.read_text(encoding="utf-8"))


def _script_text(data: dict) -> str:
    # as myst-nb writes it: nothing in the JSON may close the script element
    return json.dumps(data).replace("</", "<\\/")


def _write_components(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    site = SiteComponents(outdir)
    cache_file = Path(app.doctreedir) / "components-site-data.json"
    inputs = _inputs_digest(Path(app.srcdir))
    _data_cache.clear()
    try:
        saved = json.loads(cache_file.read_text(encoding="utf-8"))
        if saved.get("inputs") == inputs:
            _data_cache.update(saved["data"])
    except (OSError, ValueError, KeyError):
        pass
    for path in sorted(outdir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if "widget-state+json" not in text:
            continue

        def rewrite(match):
            # a notebook page has one state script; a Markdown page one per quiz directive
            state_json = json.loads(match.group(2))
            if not rewrite_state(state_json, site):
                return match.group(0)
            return match.group(1) + _script_text(state_json) + match.group(3)

        new_text = add_placeholders(STATE_SCRIPT.sub(rewrite, text))
        if new_text != text:
            path.write_text(new_text, encoding="utf-8")
    write_shared_ui(site)
    site.remove_unused()
    cache_file.write_text(json.dumps({"inputs": inputs, "data": _data_cache}), encoding="utf-8")


def setup(app):
    app.connect("build-finished", _write_components)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
