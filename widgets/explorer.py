from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

STATIC = Path(__file__).parent / "static"


class Explorer(anywidget.AnyWidget):
    _esm = (STATIC / "explorer.js").read_text()
    calcium = traitlets.Float(2.10).tag(sync=True)
    albumin = traitlets.Float(25).tag(sync=True)

    def __repr__(self) -> str:
        return "Explorer()"
