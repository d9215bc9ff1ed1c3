"""The one strict build of the book that a test session shares (tests/conftest.py).

Under pytest-xdist the workers share it through a file lock: whoever takes the lock first
builds, the others wait and read the result. conftest starts it in the background as the session
starts (`python tests/book_build.py SHARED_DIR`), so the build runs while the tests that need no
built site do, instead of keeping a worker waiting when the first browser test asks for it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_once(shared: Path) -> tuple[int, str, Path]:
    """(returncode, log, html folder) of the session's build in `shared`, building it if no one
    has yet: a fresh, strict build (never an incremental one, which would hide warnings of
    unchanged pages)."""
    from filelock import FileLock

    out, result = shared / "book", shared / "book-build.json"
    with FileLock(str(shared / "book-build.lock")):
        if not result.is_file():
            jb = Path(sys.executable).with_name("jupyter-book")
            proc = subprocess.run(
                [str(jb), "build", str(ROOT), "-W", "-n", "--keep-going", "--path-output", str(out)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            result.write_text(json.dumps([proc.returncode, proc.stdout + proc.stderr]), encoding="utf-8")
        returncode, log = json.loads(result.read_text(encoding="utf-8"))
    return returncode, log, out / "_build" / "html"


if __name__ == "__main__":
    build_once(Path(sys.argv[1]))
