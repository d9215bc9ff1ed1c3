"""Re-execute the book's notebooks in place, storing their outputs and widget state.

The static book renders what is stored (the build never executes), and nbval checks that a
fresh run reproduces it. Run through `make execute` after changing a notebook or a component's
Python side. The course's components are stored without their ES module, CSS and site data
(widgets/_site.py): the book's build writes those once for the whole site.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from widgets._site import strip_notebook  # noqa: E402


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    strip_notebook(nb)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"executing {path.relative_to(ROOT) if path.is_absolute() else path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
