"""How the static book gets the course's components: modules and data written once per build.

A component (an anywidget class in this package) is identified in saved widget state by its
`_anywidget_id`, "widgets.<module>.<Class>". The stored state of a notebook carries only what
is particular to that page (learner state and settings: a scenario, units, a mode); the
component's ES module, its CSS and its `_site_data_traits` (data the same on every page: rules,
a question bank, a case) are written once per build into the site's `_components/` folder by
`_ext/components.py` and fetched by `_ext/static/anywidget-loader.js`. See
/README.md ("Components in the static book") and handoff/components.md.

A component declares:
    _site_data_traits = ("bank_json",)          # traits that are site data, not page state
and, so that a rule or bank edit needs no re-execution, a classmethod that recomputes them
from the rest of the stored state:
    @classmethod
    def _site_data(cls, state: dict) -> dict:   # {"bank_json": ...} for this page's bank
Without `_site_data`, the stored values are used (written once per build all the same, but
they follow an edit only after `make execute`).
"""

from __future__ import annotations

import importlib
from typing import Any

CODE_TRAITS = ("_esm", "_css")


def component_class(anywidget_id: str | None) -> type | None:
    """The course component class named by a stored `_anywidget_id`, or None for anything
    that is not one of ours (a third-party anywidget keeps its stored module)."""
    if not anywidget_id or not anywidget_id.startswith("widgets."):
        return None
    module_name, _, class_name = anywidget_id.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    cls = getattr(module, class_name, None)
    return cls if isinstance(cls, type) and hasattr(cls, "_esm") else None


def data_traits(cls: type) -> tuple[str, ...]:
    return tuple(getattr(cls, "_site_data_traits", ()))


def recomputes_data(cls: type) -> bool:
    return callable(getattr(cls, "_site_data", None))


def site_data(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """The current site data of one stored component: recomputed from the source data when
    the class can (`_site_data`), else the values stored with the page."""
    traits = data_traits(cls)
    if not traits:
        return {}
    if recomputes_data(cls):
        data = cls._site_data(state)
        missing = set(traits) - set(data)
        if missing:
            raise ValueError(f"{cls.__name__}._site_data did not return {sorted(missing)}")
        return {t: data[t] for t in traits}
    return {t: state[t] for t in traits if t in state}


def page_state(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """What a notebook stores for one component: its state without the module, the CSS and
    the site data it can recompute (those come from the build)."""
    drop = set(CODE_TRAITS)
    if recomputes_data(cls):
        drop.update(data_traits(cls))
    return {k: v for k, v in state.items() if k not in drop}


def strip_notebook(nb) -> int:
    """Reduce the saved widget state of a notebook (nbformat node or dict) to page state.
    Returns how many component states were reduced."""
    widgets = nb.get("metadata", {}).get("widgets", {})
    models = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    count = 0
    for model in models.values():
        state = model.get("state", {})
        cls = component_class(state.get("_anywidget_id"))
        if cls is not None:
            model["state"] = page_state(cls, state)
            count += 1
    return count
