"""Plain-text rendering of an assessment (the command line's readable output)."""

from __future__ import annotations

import textwrap

from .numbers import fmt


def _wrap(text: str, indent: str, width: int = 96) -> list[str]:
    """Wrapped lines; continuation lines are indented under the item's text (a bullet such
    as "  - " is not repeated, so a wrapped item never reads as a new one)."""
    more = " " * len(indent) + "  "
    return textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=more) or [indent]


def _cites(reason: dict) -> str:
    tag = " [beyond the article]" if reason["beyond"] else ""
    return f" [{', '.join(reason['cite'])}]{tag}"


def _reason(r: dict) -> str:
    if r["points"] is None:
        sign = f"at most {r['cap']}:"
    else:
        sign = "note" if r["points"] == 0 else f"{r['points']:+d}"
    patient = f" (this patient: {r['finding']})" if r["finding"] else ""
    return f"{sign}  {r['text']}{patient}{_cites(r)}"


def _evidence(out: list[str], item: dict) -> None:
    """Evidence for, evidence against and notes of a condition or look-alike."""
    groups = (("for", "evidence for"), ("against", "evidence against"), ("note", "notes"))
    for direction, heading in groups:
        reasons = [r for r in item["reasons"] if r["direction"] == direction]
        if reasons:
            out.append(f"       {heading}:")
            for r in reasons:
                out.extend(_wrap(_reason(r), "         "))


def render_text(a: dict, title: str | None = None) -> str:
    d = a["derived"]
    out: list[str] = []
    out.append("Assessment of " + title if title else "Assessment")
    out.append(a["education_note"])
    out.append("")
    for c in a["check_values"]:
        out.extend(_wrap(f"CHECK THIS VALUE: {c['message']}", ""))
    out.append(a["summary"])
    out.append("")
    out.append("Derived values")
    cc = d["corrected_calcium"]
    if cc:
        out.append(
            f"  Albumin-corrected calcium (Payne): {fmt(cc['mmol/L'])} mmol/L = {fmt(cc['mg/dL'])} mg/dL"
        )
        for cav in cc["caveats"]:
            out.extend(_wrap("note: " + cav, "    "))
    cb = d["calcium_for_bands"]
    b = d["bands"]
    if cb:
        out.append(f"  Calcium band ({cb['basis']} {fmt(cb['mmol/L'])} mmol/L): {b['calcium']['label']}")
    if b.get("phosphate"):
        v = d["values"]["phosphate"]
        out.append(
            f"  Phosphate {fmt(v['mmol/L'])} mmol/L = {fmt(v['mg/dL'])} mg/dL: {b['phosphate']['label']}"
        )
    if d["ca_x_p"]:
        cp = d["ca_x_p"]
        product = f"{fmt(cp['mmol2/L2'])} mmol2/L2 = {fmt(cp['mg2/dL2'])} mg2/dL2"
        out.append(f"  Ca x P ({cp['basis']} calcium): {product}: {b['ca_x_p']['label']}")
    if b.get("gfr"):
        out.append(f"  GFR category: {b['gfr']['label']}")
    if d["pth_x_uln"] is not None:
        labels = f"{b['pth']['label']}; {b['pth_multiple']['label']}"
        out.append(f"  PTH: {fmt(d['pth_x_uln'])} x the upper limit ({labels})")
    if b.get("vitamin_d"):
        out.append(f"  25-OH vitamin D: {b['vitamin_d']['label']}")
    out.append("")
    out.append("Conditions, ranked (the findings are 'consistent with', never a diagnosis)")
    for i, c in enumerate(a["conditions"], 1):
        out.append(f"  {i}. {c['name']}: {c['verdict_label'].lower()} (score {c['score']})")
        _evidence(out, c)
        if c["level_limit"]:
            out.extend(_wrap("level: " + c["level_limit"]["text"], "       "))
        if c["verdict"] not in ("unlikely",):
            out.extend(_wrap("confirm: " + c["confirm"], "       "))
        for m in c["missing"]:
            out.extend(_wrap("would help: " + m, "       "))
    out.extend(_wrap(a["legend"], "  "))
    out.append("")
    if a["lookalikes"]:
        out.append("Look-alikes suggested by the findings")
        for la in a["lookalikes"]:
            lead = ", leads" if la["leads"] else ""
            out.append(f"  - {la['name']} (score {la['score']}{lead})")
            _evidence(out, la)
            out.extend(_wrap("tells it apart: " + la["distinguish"], "       "))
    else:
        out.append("Look-alikes suggested by the findings: none")
    if a["unused"]:
        out.append("")
        out.append("Recorded but not used")
        for u in a["unused"]:
            out.extend(_wrap(u["text"], "  - "))
    if a["warnings"]:
        out.append("")
        out.append("Warnings")
        for w in a["warnings"]:
            out.extend(_wrap(f"{w['field']}: {w['message']}", "  - "))
    if a["not_judged"]:
        out.append("")
        out.append("Not judged (data missing)")
        for n in a["not_judged"]:
            out.extend(_wrap(f"{n['label']}: {n['reason']}", "  - "))
    return "\n".join(out) + "\n"
