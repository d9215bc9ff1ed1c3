"""Write the hostile-input corpus (issue 23) into this folder and its manifest.json.

Run from the repository root: `.venv/bin/python tests/hostile/make_corpus.py`. The files are
committed; this script says how each was made. Every entry names its class, how it is run
(assess, ranges, validate, export), the exit status expected and the start of the one line
the command must print on stderr (`{path}` is the entry's path), or, for input that must be
accepted as typed, the value the strict reader must give at a place in the file.

The expectations are written here by hand from what the issue asks, not copied from output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REL = HERE.relative_to(ROOT).as_posix()
ENTRIES: list[dict] = []


def add(name, content, cls, run, exit, expect=None, typed=None, args=None, stdout=None):
    """One corpus file (bytes or text), or a folder {filename: content}."""
    path = HERE / name
    if isinstance(content, dict):
        path.mkdir(exist_ok=True)
        for fname, text in content.items():
            (path / fname).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    elif content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    entry = {"name": name, "class": cls, "run": run, "exit": exit}
    for key, value in (("expect", expect), ("typed", typed), ("args", args), ("stdout", stdout)):
        if value is not None:
            entry[key] = value
    ENTRIES.append(entry)


def bank(bid, value="123.4567", tol="0.0001", question="What is the value?", extra=""):
    return (
        f"bank: {bid}\n"
        'title: "Hostile input"\n'
        "version: 1\n"
        "items:\n"
        f"  - id: {bid}-1\n"
        "    type: numeric\n"
        "    chapter: calcium\n"
        '    objective: "Read a number exactly as written."\n'
        f"    question: {question}\n"
        f"    answer: {{value: {value}, unit: mmol/L, tolerance: {tol}, "
        'feedback: "As written.", wrong_feedback: "Read it again.", cite: [payne1973]}\n'
        '    teach: "calcium#correcting-calcium-for-albumin"\n' + extra
    )


def choice_bank(bid, correct="true"):
    opts = "".join(
        f'      - {{text: "Option {c}", correct: {correct if c == "A" else "false"}, '
        f'feedback: "Because {c}.", cite: [payne1973]}}\n'
        for c in "ABCDE"
    )
    return (
        f'bank: {bid}\ntitle: "Hostile input"\nversion: 1\nitems:\n  - id: {bid}-1\n    type: sba\n'
        '    chapter: calcium\n    objective: "Pick one."\n    question: "Which option?"\n'
        f"    options:\n{opts}"
        '    teach: "calcium#calcium-thresholds"\n'
    )


CASE = (ROOT / "cases" / "scrotal-nodules.yml").read_text(encoding="utf-8")
SCEN = "examples/scenario-v1.yaml"


def deep_json(n):
    return '{"meta": ' + '{"x": ' * n + "1" + "}" * n + "}"


def main():
    for p in HERE.iterdir():
        if p.name not in ("make_corpus.py", "__pycache__"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()

    # 1. YAML 1.1 reinterpretations: refused with one line saying what YAML 1.1 would do
    y11 = "yaml11"
    add(
        "y11-octal.yaml",
        "patient: {age: 077}\n",
        y11,
        "assess",
        2,
        "{path}:1: patient.age: '077' has a leading zero",
    )
    add(
        "y11-base60.yaml",
        "patient: {age: 1:20}\n",
        y11,
        "assess",
        2,
        "{path}:1: patient.age: '1:20' is base-60",
    )
    add("y11-underscore.yaml", "labs:\n  albumin: {value: 2_3, unit: g/L}\n", y11, "assess", 2,
        "{path}:2: labs.albumin.value: '2_3' has '_' in it")  # fmt: skip
    add("y11-yes.yaml", "history:\n  warfarin: yes\n", y11, "assess", 2,
        "{path}:2: history.warfarin: 'yes' is a YAML 1.1 boolean")  # fmt: skip
    add(
        "y11-sex-no.yaml",
        "patient: {sex: no}\n",
        y11,
        "assess",
        2,
        "{path}:1: patient.sex: 'no' is a YAML 1.1 boolean",
    )
    add(
        "y11-hex.yaml",
        "patient: {age: 0x30}\n",
        y11,
        "assess",
        2,
        "{path}:1: patient.age: '0x30' is a hexadecimal",
    )
    add(
        "y11-0o.yaml",
        "patient: {age: 0o17}\n",
        y11,
        "assess",
        2,
        "{path}:1: patient.age: '0o17' is a hexadecimal",
    )
    add(
        "y11-off-key.yaml",
        "findings:\n  off: true\n",
        y11,
        "assess",
        2,
        "{path}:2: findings.off: 'off' is a YAML 1.1",
    )
    add("y11-ranges-octal.yaml", "albumin: {low: 035, high: 50, unit: g/L}\n", y11, "ranges", 2,
        "{path}:1: albumin.low: '035' has a leading zero")  # fmt: skip
    add("y11-bank-yes.yml", choice_bank("y11-bank-yes", correct="yes"), y11, "validate", 2,
        "{path}:11: items[0].options[0].correct: 'yes' is a YAML 1.1 boolean")  # fmt: skip

    # 2. accepted as typed (YAML 1.2 core): the reader gives exactly what was written
    t = "typed"
    add("typed-exponent.yaml", "labs:\n  albumin: {value: 2.5e1, unit: g/L}\n", t, "assess", 0,
        typed={"at": ["labs", "albumin", "value"], "value": 25.0})  # fmt: skip
    add("typed-exponent-int.yaml", "labs:\n  calcium: {value: 2e0, unit: mmol/L}\n", t, "assess", 0,
        typed={"at": ["labs", "calcium", "value"], "value": 2.0})  # fmt: skip
    add("typed-date-text.yaml", "meta: {seen: 2024-01-01}\n", t, "assess", 0,
        typed={"at": ["meta", "seen"], "value": "2024-01-01"})  # fmt: skip
    add("typed-quoted-octal.yaml", "meta: {code: '077'}\npatient: {age: 77}\n", t, "assess", 0,
        typed={"at": ["meta", "code"], "value": "077"})  # fmt: skip
    add("typed-y-key.yaml", "meta: {y: 1, n: 2}\n", t, "assess", 0, typed={"at": ["meta", "y"], "value": 1})
    add("typed-bom.yaml", b"\xef\xbb\xbfpatient: {age: 50}\n", t, "assess", 0,
        typed={"at": ["patient", "age"], "value": 50})  # fmt: skip
    add("typed-bom.json", b'\xef\xbb\xbf{"patient": {"age": 50}}', t, "assess", 0,
        typed={"at": ["patient", "age"], "value": 50})  # fmt: skip
    add("typed-ranges-exp.yaml", "calcium: {low: 2.12e0, high: 2.6, unit: mmol/L}\n", t, "ranges", 0,
        typed={"at": ["calcium", "low"], "value": 2.12})  # fmt: skip
    add("typed-precision.yml", bank("typed-precision", "1234567", "0.5"), t, "export", 0,
        typed={"at": ["items", 0, "answer", "value"], "value": 1234567})  # fmt: skip

    # 3. tags: refused, as values or keys, in every kind of file
    g = "tags"
    add(
        "tag-int.yaml",
        "patient: {age: !!int abc}\n",
        g,
        "assess",
        2,
        "{path}:1: tags such as '!!int' are not allowed",
    )
    add("tag-float.yaml", "labs:\n  calcium: {value: !!float 2,5, unit: mmol/L}\n", g, "assess", 2,
        "{path}:2: tags such as '!!float'")  # fmt: skip
    add(
        "tag-bool.yaml",
        "history:\n  warfarin: !!bool maybe\n",
        g,
        "assess",
        2,
        "{path}:2: tags such as '!!bool'",
    )
    add("tag-timestamp.yaml", "meta: {when: !!timestamp yesterday}\n", g, "assess", 2,
        "{path}:1: tags such as '!!timestamp'")  # fmt: skip
    add("tag-key.yaml", "patient:\n  !!str age: 50\n", g, "assess", 2, "{path}:2: tags such as '!!str'")
    add(
        "tag-custom.yaml",
        "patient: !patient {age: 50}\n",
        g,
        "assess",
        2,
        "{path}:1: tags such as '!patient'",
    )
    add("tag-python.yaml", "meta: !!python/object/apply:os.system [echo]\n", g, "assess", 2,
        "{path}:1: tags such as '!!python/object/apply:os.system'")  # fmt: skip
    add("tag-ranges.yaml", "calcium: {low: !!float 2.1, high: 2.6, unit: mmol/L}\n", g, "ranges", 2,
        "{path}:1: tags such as '!!float'")  # fmt: skip
    add("tag-bank.yml", bank("tag-bank", "!!int abc"), g, "validate", 2, "{path}:10: tags such as '!!int'")
    tag_line = CASE[: CASE.index("kind: presentation")].count("\n") + 1
    add("tag-case.yml", CASE.replace("kind: presentation", "kind: !!str presentation", 1), g, "validate", 2,
        f"{{path}}:{tag_line}: tags such as '!!str'")  # fmt: skip
    add(
        "tag-export.yml",
        bank("tag-export", "2.5", "!!float 0.1"),
        g,
        "export",
        2,
        "{path}:10: tags such as '!!float'",
    )

    # 4. aliases: refused where they occur, so no expansion can run away
    a = "aliases"
    lines = ["l0: &l0 [" + ", ".join(["x"] * 300) + "]"]
    for lvl in range(1, 4):
        lines.append(f"l{lvl}: &l{lvl} [" + ", ".join([f"*l{lvl - 1}"] * 300) + "]")
    add("alias-bomb.yaml", "meta:\n  " + "\n  ".join(lines) + "\n", a, "assess", 2,
        "{path}:3: anchors and aliases (&name, *name) are not allowed")  # fmt: skip
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, c in enumerate("bcdefghi"):
        laughs.append(f"{c}: &{c} [" + ",".join([f"*{'abcdefghi'[i]}"] * 9) + "]")
    add("alias-laughs.yaml", "\n".join(laughs) + "\n", a, "assess", 2, "{path}:2: anchors and aliases")
    add("alias-ranges.yaml", "x: &x {low: 2.1, high: 2.6, unit: mmol/L}\ncalcium: *x\n", a, "ranges", 2,
        "{path}:2: anchors and aliases")  # fmt: skip
    add(
        "alias-merge.yaml",
        "base: &b {age: 50}\npatient:\n  <<: *b\n",
        a,
        "assess",
        2,
        "{path}:3: anchors and aliases",
    )
    add("merge-key.yaml", "patient:\n  <<: {age: 50}\n", a, "assess", 2, "{path}:2: patient: merge keys (<<)")
    add(
        "alias-bank.yml",
        bank("alias-bank", "&v 2.5", "*v"),
        a,
        "validate",
        2,
        "{path}:10: anchors and aliases",
    )
    wide = (
        "meta:\n  a: &a ["
        + ",".join(["1"] * 60)
        + "]\n"
        + "".join(f"  {k}: &{k} [" + ",".join([f"*{p}"] * 60) + "]\n" for p, k in zip("abc", "bcd"))
    )
    add("alias-wide-ranges.yaml", wide, a, "ranges", 2, "{path}:3: anchors and aliases")

    # 5. numbers that are not finite or too long for a double
    n = "numbers"
    big = "9" * 5000
    add(
        "num-5000.yaml",
        f"patient: {{age: {big}}}\n",
        n,
        "assess",
        2,
        "{path}:1: patient.age: a number with 5000 digits",
    )
    add(
        "num-5000.json",
        f'{{"patient": {{"age": {big}}}}}',
        n,
        "assess",
        2,
        "{path}:1: a number with 5000 digits",
    )
    add("num-1e309.yaml", "labs:\n  calcium: {value: 1e309, unit: mmol/L}\n", n, "assess", 2,
        "{path}:2: labs.calcium.value: '1e309' is too large")  # fmt: skip
    add("num-inf.yaml", "labs:\n  calcium: {value: .inf, unit: mmol/L}\n", n, "assess", 2,
        "{path}:2: labs.calcium.value: '.inf' is not a finite number")  # fmt: skip
    add(
        "num-nan.yaml",
        "patient: {age: .nan}\n",
        n,
        "assess",
        2,
        "{path}:1: patient.age: '.nan' is not a finite",
    )
    add(
        "num-neg-inf.yaml",
        "patient: {bmi: -.Inf}\n",
        n,
        "assess",
        2,
        "{path}:1: patient.bmi: '-.Inf' is not a finite",
    )
    add("num-nan.json", '{"labs": {"calcium": {"value": NaN, "unit": "mmol/L"}}}', n, "assess", 2,
        "{path}:1: 'NaN' is not a finite number")  # fmt: skip
    add(
        "num-infinity.json",
        '{\n"patient": {"age": -Infinity}}',
        n,
        "assess",
        2,
        "{path}:2: '-Infinity' is not a finite",
    )
    add("num-1e309.json", '{"patient": {"age": 1e309}}', n, "assess", 2, "{path}:1: '1e309' is too large")
    add("num-bank-nan.yml", bank("num-bank-nan", ".nan"), n, "validate", 2,
        "{path}:10: items[0].answer.value: '.nan' is not a finite")  # fmt: skip
    add("num-bank-tol-inf.yml", bank("num-bank-tol-inf", "2.4", ".inf"), n, "validate", 2,
        "{path}:10: items[0].answer.tolerance: '.inf' is not a finite")  # fmt: skip
    add("num-bank-1e309.yml", bank("num-bank-1e309", "1e309"), n, "export", 2,
        "{path}:10: items[0].answer.value: '1e309' is too large")  # fmt: skip
    add("num-ranges-5000.yaml", f"pth: {{low: 1, high: {big}, unit: pmol/L}}\n", n, "ranges", 2,
        "{path}:1: pth.high: a number with 5000 digits")  # fmt: skip
    add("num-ranges-nan.json", '{"pth": {"low": 1, "high": NaN, "unit": "pmol/L"}}', n, "ranges", 2,
        "{path}:1: 'NaN' is not a finite number")  # fmt: skip

    # 6. local ranges that make no sense
    r = "ranges"
    add("rng-pth-tiny.yaml", "pth: {low: 1.1, high: 5e-324, unit: pmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.pth.high: 5e-324 pmol/L is not a plausible upper limit")  # fmt: skip
    add("rng-calcium-huge.yaml", "calcium: {low: 0, high: 1e300, unit: mmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium.low: 0 mmol/L is not a plausible lower limit")  # fmt: skip
    add("rng-order.yaml", "calcium: {low: 2.6, high: 2.1, unit: mmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium: the lower limit (2.6) must be below the upper limit (2.1)")  # fmt: skip
    add("rng-no-unit.yaml", "calcium: {low: 2.1, high: 2.6}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium.unit: give the unit of this range")  # fmt: skip
    add("rng-null-unit.yaml", "calcium: {low: 2.1, high: 2.6, unit: null}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium.unit: give the unit")  # fmt: skip
    add("rng-negative.yaml", "albumin: {low: -35, high: 50, unit: g/L}\n", r, "ranges", 2,
        "{path}:1: ranges.albumin.low: -35 g/L is not a plausible lower limit")  # fmt: skip
    add("rng-other-system.yaml", "calcium: {low: 8.5, high: 10.5, unit: mmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium.low: 8.5 mmol/L is not a plausible")  # fmt: skip
    add("rng-text-bound.yaml", "calcium: {low: two, high: 2.6, unit: mmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.calcium.low: expected a number")  # fmt: skip
    add("rng-unknown-analyte.yaml", "sodium: {low: 135, high: 145, unit: mmol/L}\n", r, "ranges", 2,
        "{path}:1: ranges.sodium:")  # fmt: skip
    conventional = "calcium: {low: 8.5, high: 10.5, unit: mg/dL}\npth: {low: 15, high: 65, unit: pg/mL}\n"
    add("rng-ok-conventional.yaml", conventional, "typed", "ranges", 0,
        typed={"at": ["pth", "high"], "value": 65})  # fmt: skip
    add("lab-unit-no-value.yaml", "labs:\n  calcium: {value: null, unit: mg/dL}\n", r, "assess", 2,
        "{path}:2: labs.calcium: a unit (mg/dL) without a value")  # fmt: skip

    # 7. messages that help: the right words for the real problem
    m = "messages"
    add("msg-decimal-comma.yaml", "labs:\n  calcium: {value: 2,5, unit: mmol/L}\n", m, "assess", 2,
        "{path}:2: labs.calcium.5: key '5' is not text")  # fmt: skip
    add(
        "msg-deep.json",
        deep_json(10),
        m,
        "assess",
        2,
        "{path}:1: meta.x.x.x.x.x.x: nested deeper than 6 levels",
    )
    add("msg-very-deep.json", deep_json(5000), m, "assess", 2, "{path}: invalid JSON: nested deeper")
    add("msg-deep.yaml", "meta: " + "{x: " * 10 + "1" + "}" * 10 + "\n", m, "assess", 2,
        "{path}:1: meta.x.x.x.x.x.x: nested deeper than 6 levels")  # fmt: skip
    add(
        "msg-very-deep.yaml",
        "meta: " + "[" * 5000 + "]" * 5000 + "\n",
        m,
        "assess",
        2,
        "{path}:1: YAML nested deeper than 6 levels",
    )
    ids = ", ".join(f"unknown{i}" for i in range(4500))
    add("msg-many-unknown.yaml", f"findings: [{ids}]\n", m, "assess", 2,
        "{path}:1: findings.unknown0:")  # fmt: skip
    add("msg-empty.yaml", "", m, "assess", 2, "{path}: the file is empty")
    add("msg-empty.json", "", m, "assess", 2, "{path}: the file is empty")
    add("msg-not-utf8.yaml", b"patient:\n  sex: f\xe9minin\n", m, "assess", 2, "{path}:2: not UTF-8 text")
    add(
        "msg-nul.yaml",
        b"meta:\n  a: \x00\x01\x02\n",
        m,
        "assess",
        2,
        "{path}:2: contains U+0000 (a control character)",
    )
    add("msg-bell-escape.yaml", 'meta: {note: "bell\\a"}\n', m, "assess", 2,
        "{path}:1: meta.note: contains U+0007 (a control character)")  # fmt: skip
    add("msg-surrogate.json", '{"meta": {"note": "\\ud800"}}', m, "assess", 2,
        "{path}:1: meta.note: contains U+D800 (a lone surrogate)")  # fmt: skip
    add("msg-list-top.yaml", "- a\n- b\n", m, "assess", 2, "{path}:1: scenario:")
    add("msg-scalar-top.json", '"just text"', m, "assess", 2, "{path}:1: scenario:")
    add("msg-big.yaml", "meta: |\n" + ("  " + "x" * 70 + "\n") * 1000, m, "assess", 2, "{path}: file is")
    add("msg-dup-key.json", '{"findings": [], "findings": ["livedo"]}', m, "assess", 2,
        "{path}: duplicate key 'findings'")  # fmt: skip
    add("msg-dup-key.yaml", "patient: {age: 40}\npatient: {age: 90}\n", m, "assess", 2,
        "{path}:2: duplicate key 'patient'")  # fmt: skip
    add("msg-long-text.yaml", "meta:\n  note: " + "x" * 2001 + "\n", m, "assess", 2,
        "{path}:2: meta.note: a text of 2001 characters")  # fmt: skip
    add("msg-tab.yaml", "patient:\n\tage: 50\n", m, "assess", 2, "{path}:2: YAML syntax error")
    add("msg-empty-path", None, m, "assess", 2, "(empty path): no file named", args=["assess", ""])
    add("msg-folder", None, m, "assess", 2, f"{REL}: is a folder", args=["assess", REL])
    add("msg-missing", None, m, "assess", 2, f"{REL}/no-such.yaml: cannot be read (no such file)",
        args=["assess", f"{REL}/no-such.yaml"])  # fmt: skip

    # 8. validate: every extension, kind by content, duplicate case ids
    v = "validate"
    add("v-bank-yaml-ext", {"v-bank-yaml-ext.yaml": bank("v-bank-yaml-ext")}, "typed", "validate", 0,
        stdout="1 bank file(s), 0 case file(s) checked")  # fmt: skip
    add("v-bank-in-cases-folder", {"v-bank-in-cases-folder.yml": bank("v-bank-in-cases-folder")}, "typed",
        "validate", 0, stdout="1 bank file(s), 0 case file(s) checked")  # fmt: skip
    add(
        "v-case-yaml-ext",
        {"scrotal.yaml": CASE},
        "typed",
        "validate",
        0,
        stdout="0 bank file(s), 1 case file(s)",
    )
    add("v-dup-case-ids", {"a.yml": CASE, "b.yaml": CASE}, v, "validate", 2,
        "{path}/b.yaml:2: id: case id 'scrotal-nodules' is also used by")  # fmt: skip
    add("v-neither.yml", "foo: 1\n", v, "validate", 2, "{path}: neither a question bank")
    add("v-bank-missing-keys.yml", "bank: v-bank-missing-keys\nversion: 1\n", v, "validate", 2,
        "{path}:1: missing required keys 'title', 'items'")  # fmt: skip

    # 9. Moodle export: XML-illegal text, --out, missing keys
    e = "export"
    add("exp-bell.yml", bank("exp-bell", question='"Bell\\a?"'), e, "export", 2,
        "{path}:9: items[0].question: contains U+0007")  # fmt: skip
    add("exp-nul.yml", bank("exp-nul", question='"Nul\\0?"'), e, "export", 2,
        "{path}:9: items[0].question: contains U+0000")  # fmt: skip
    add("exp-fffe.yml", bank("exp-fffe", question='"Odd\\uFFFE?"'), e, "export", 2,
        "{path}:9: items[0].question: contains U+FFFE (a non-character)")  # fmt: skip
    add("exp-surrogate.yml", bank("exp-surrogate", question='"Half\\uD800?"'), e, "export", 2,
        "{path}:9: items[0].question: contains U+D800 (a lone surrogate)")  # fmt: skip
    add("exp-out-folder.yml", bank("exp-out-folder"), e, "export", 2, f"--out {REL}: is a folder",
        args=["export-moodle", f"{REL}/exp-out-folder.yml", "--out", REL])  # fmt: skip
    add("exp-out-missing.yml", bank("exp-out-missing"), e, "export", 2, f"--out {REL}/none/x.xml: the folder",
        args=["export-moodle", f"{REL}/exp-out-missing.yml", "--out", f"{REL}/none/x.xml"])  # fmt: skip
    add("exp-missing-bank.yml", 'title: "T"\nversion: 1\nitems: []\n', e, "export", 2,
        "{path}:1: missing required key 'bank'")  # fmt: skip
    add("exp-missing-answer-keys.yml", bank("exp-missing-answer-keys").replace(" tolerance: 0.0001,", ""), e,
        "export", 2, "{path}:10: items[0].answer: missing required key 'tolerance'")  # fmt: skip
    add("exp-yaml-ext.yaml", bank("exp-yaml-ext"), "typed", "export", 0,
        typed={"at": ["items", 0, "answer", "value"], "value": 123.4567})  # fmt: skip

    (HERE / "manifest.json").write_text(
        json.dumps(ENTRIES, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(ENTRIES)} entries")


if __name__ == "__main__":
    main()
