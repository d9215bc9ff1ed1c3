"""The lock file (issue 23 point 9): requirements.lock pins every package of the environment
with hashes, covers every pin of requirements.txt, and is what is installed here."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def lock_entries() -> dict[str, tuple[str, str | None, list[str]]]:
    """{name: (version, marker or None, [sha256 hashes])} of requirements.lock."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    out = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\\n]+))?", block)
        if m:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            out[canonicalize_name(m.group(1))] = (m.group(2), (m.group(3) or "").strip() or None, hashes)
    return out


def test_every_locked_package_has_hashes_and_nothing_is_editable():
    entries = lock_entries()
    assert len(entries) > 100
    assert all(hashes for _, _, hashes in entries.values())
    assert "-e " not in (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for installer in ("pip", "setuptools", "wheel"):
        assert installer in entries


def test_lock_covers_every_pin_of_requirements_txt():
    entries = lock_entries()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        m = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if m:
            assert entries.get(canonicalize_name(m.group(1)), ("missing",))[0] == m.group(2), line


def test_the_environment_is_the_lock():
    for name, (version, marker, _) in lock_entries().items():
        if marker and not Marker(marker).evaluate():
            continue
        if name in ("pip", "setuptools", "wheel"):
            continue  # installers: a venv may carry its own; the lock pins what make installs
        assert metadata.version(name) == version, name
