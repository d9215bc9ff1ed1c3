"""Draw the course's schematic figures as accessible SVG files.

Usage:  python -m widgets.figures [OUTPUT_DIR]      (default: chapters/images, from the repository root)

Deterministic output (tests/test_figures.py regenerates the figures into a temporary folder and
compares them with the committed files). The calcium-phosphate plane takes every number from
the clinical model (``widgets.clinical``). Each figure comes in two layouts: NAME.svg for wide
screens and print, NAME-narrow.svg (360 units wide) for phones, which the site swaps in at
narrow widths (``_ext/offline.py``) so that no text renders below 11 CSS px at 360 px.

Every figure:
- has role="img", a <title> and a <desc> (the long description);
- uses dark text (#1a1a1a) on light fills, font sizes of at least 13 px in the drawing's own
  units, and shapes, patterns and labels as well as colour, so that nothing depends on colour;
- shows only what the source article (Young 2018) and the course's fact sheet state. Items
  beyond the article are marked with a dagger (†) and explained in the figure captions.
"""

from __future__ import annotations

import math
import sys
from html import escape
from pathlib import Path

INK = "#1a1a1a"
FONT = "font-family:'Helvetica Neue',Arial,sans-serif"

# Light fills (all give contrast > 12:1 with INK).
EPIDERMIS = "#f2d4c2"
DERMIS = "#fbeade"
FAT = "#fff4c8"
PANEL = "#ffffff"
BOX = "#eef3f8"
BOX2 = "#f6efe3"
NOTE = "#fff8d6"


# --------------------------------------------------------------------------- SVG helpers
class Svg:
    def __init__(self, width: int, height: int, title: str, desc: str, ident: str):
        self.w, self.h = width, height
        self.parts: list[str] = []
        self.defs: list[str] = []
        self.title, self.desc, self.ident = title, desc, ident

    def add(self, s: str) -> None:
        self.parts.append(s)

    def text(self, x, y, s, size=15, anchor="start", weight="normal", italic=False, fill=INK):
        style = "font-style:italic;" if italic else ""
        self.add(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}" style="{style}{FONT}">{escape(s)}</text>'
        )

    def lines(self, x, y, rows, size=15, lh=None, **kw) -> float:
        lh = lh or size * 1.3
        for i, row in enumerate(rows):
            self.text(x, y + i * lh, row, size=size, **kw)
        return y + len(rows) * lh

    def rect(self, x, y, w, h, fill, stroke=INK, sw=1.5, rx=0, extra=""):
        self.add(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{sw}" {extra}/>'
        )

    def render(self) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.w} {self.h}" '
            f'width="{self.w}" height="{self.h}" role="img" '
            f'aria-labelledby="{self.ident}-title {self.ident}-desc">\n'
            f'<title id="{self.ident}-title">{escape(self.title)}</title>\n'
            f'<desc id="{self.ident}-desc">{escape(self.desc)}</desc>\n'
        )
        defs = "<defs>\n" + "\n".join(self.defs) + "\n</defs>\n" if self.defs else ""
        bg = f'<rect x="0" y="0" width="{self.w}" height="{self.h}" fill="{PANEL}"/>\n'
        return head + defs + bg + "\n".join(self.parts) + "\n</svg>\n"


def wrap(s: str, width: int) -> list[str]:
    """Greedy word wrap by character count."""
    out, cur = [], ""
    for word in s.split():
        if cur and len(cur) + 1 + len(word) > width:
            out.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        out.append(cur)
    return out


def common_defs(svg: Svg) -> None:
    svg.defs += [
        # calcium: dark stipple on white
        '<pattern id="pat-calcium" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#e6e6e6"/><circle cx="2.5" cy="2.5" r="1.5" fill="#1a1a1a"/>'
        "</pattern>",
        # thrombus: dark red with white cross-hatch
        '<pattern id="pat-thrombus" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#8a1c1c"/>'
        '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#ffffff" stroke-width="1"/></pattern>',
        # necrosis: grey with black diagonal hatch
        '<pattern id="pat-necrosis" width="8" height="8" patternUnits="userSpaceOnUse">'
        '<rect width="8" height="8" fill="#bdbdbd"/>'
        '<path d="M0,8 L8,0" stroke="#1a1a1a" stroke-width="1.6"/></pattern>',
        # fat lobules
        '<pattern id="pat-fat" width="26" height="22" patternUnits="userSpaceOnUse">'
        f'<rect width="26" height="22" fill="{FAT}"/>'
        '<ellipse cx="13" cy="11" rx="11" ry="9" fill="none" stroke="#d8c27a" stroke-width="1"/>'
        "</pattern>",
        # normal-range hatch for the plane
        '<pattern id="pat-normal" width="10" height="10" patternUnits="userSpaceOnUse">'
        '<rect width="10" height="10" fill="#e3f1e3"/>'
        '<path d="M0,10 L10,0" stroke="#7aa67a" stroke-width="1"/></pattern>',
        '<pattern id="pat-mc" width="10" height="10" patternUnits="userSpaceOnUse">'
        '<rect width="10" height="10" fill="#fbe6e6"/>'
        '<path d="M0,0 L10,10" stroke="#c98a8a" stroke-width="1"/></pattern>',
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{INK}"/></marker>',
    ]


def deposit(svg: Svg, cx: float, cy: float, r: float = 7.0, seed: int = 0) -> None:
    """An irregular calcium deposit (stippled polygon with a dark outline)."""
    pts = []
    for k in range(7):
        a = 2 * math.pi * k / 7 + seed * 0.7
        rr = r * (0.75 + 0.25 * ((k * 37 + seed * 11) % 5) / 4)
        pts.append(f"{cx + rr * math.cos(a):.1f},{cy + rr * math.sin(a):.1f}")
    svg.add(f'<polygon points="{" ".join(pts)}" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="1.6"/>')


def thrombus(svg: Svg, cx: float, cy: float, r: float = 6.0) -> None:
    """A thrombus: cross-hatched dark-red diamond."""
    svg.add(
        f'<polygon points="{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}" '
        f'fill="url(#pat-thrombus)" stroke="{INK}" stroke-width="1.2"/>'
    )


def vessel(svg: Svg, cx, cy, r=14, calcified=False, thrombosed=False) -> None:
    """Cross-section of a small vessel: a ring; calcified = thick stippled wall."""
    if calcified:
        svg.add(
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="2"/>'
        )
        svg.add(
            f'<circle cx="{cx}" cy="{cy}" r="{r * 0.55:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1.5"/>'
        )
    else:
        svg.add(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#f7c9c9" stroke="{INK}" stroke-width="1.5"/>')
        svg.add(
            f'<circle cx="{cx}" cy="{cy}" r="{r * 0.7:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>'
        )
    if thrombosed:
        thrombus(svg, cx, cy, r * 0.45)


# --------------------------------------------------------------------------- figure 1
SKIN_PANELS = [
    ("Dystrophic", "In damaged tissue: wound bed,", "dermis and subcutis"),
    ("Metastatic", "In normal dermis and subcutis", "(and internal organs)"),
    ("Idiopathic", "In subcutaneous tissue,", "without damage"),
    ("Iatrogenic", "Around the site where IV", "calcium leaked"),
    ("Calciphylaxis", "In arteriolar walls of dermis", "and fat; necrosis above"),
    ("WISN", "No calcium: microthrombi in", "small vessels; necrosis above"),
]
SKIN_PW, SKIN_PH = 266, 250


def skin_panel(
    svg: Svg,
    name: str,
    cap1: str,
    cap2: str,
    x0: float,
    y0: float,
    row_labels: bool,
    fat_label: str = "Subcutaneous fat",
) -> None:
    """One schematic cross-section, SKIN_PW wide, its name above and two caption lines below."""
    pw = SKIN_PW
    svg.text(x0 + pw / 2, y0 - 8, name, 17, "middle", "bold")
    svg.rect(x0, y0, pw, 34, EPIDERMIS, sw=1)
    svg.rect(x0, y0 + 34, pw, 86, DERMIS, sw=1)
    svg.rect(x0, y0 + 120, pw, 90, "url(#pat-fat)", sw=1)
    if row_labels:
        for label, a, b in [("Epidermis", 0, 34), ("Dermis", 34, 120), (fat_label, 120, 210)]:
            ys = y0 + (a + b) / 2 + 5
            words = label.split(" ")
            for j, part in enumerate(words):
                svg.text(x0 - 8, ys + (j - (len(words) - 1) / 2) * 17, part, 14, "end")
    va = (x0 + pw * 0.72, y0 + 85)
    vb = (x0 + pw * 0.30, y0 + 168)
    if name == "Dystrophic":
        # ulcer: a notch through the epidermis into the dermis = wound bed
        svg.add(
            f'<path d="M{x0 + 60},{y0} L{x0 + 85},{y0 + 58} L{x0 + 175},{y0 + 58} '
            f'L{x0 + 200},{y0} Z" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
        )
        svg.text(x0 + 130, y0 + 26, "ulcer", 14, "middle", italic=True)
        for k, (dx, dy) in enumerate(
            [(95, 62), (120, 64), (150, 63), (108, 92), (160, 100), (130, 140), (175, 150)]
        ):
            deposit(svg, x0 + dx, y0 + dy, 8.5, k)
        vessel(svg, *va)
        vessel(svg, *vb)
    elif name == "Metastatic":
        for k, (dx, dy) in enumerate(
            [
                (40, 60),
                (110, 72),
                (200, 52),
                (150, 100),
                (60, 110),
                (215, 140),
                (120, 150),
                (175, 190),
                (45, 195),
            ]
        ):
            deposit(svg, x0 + dx, y0 + dy, 8, k)
        vessel(svg, *va)
        vessel(svg, *vb)
    elif name == "Idiopathic":
        for k, (dx, dy) in enumerate([(140, 150), (165, 160), (150, 178), (185, 182), (120, 172)]):
            deposit(svg, x0 + dx, y0 + dy, 9.5, k)
        vessel(svg, *va)
        vessel(svg, x0 + pw * 0.18, y0 + 168)
    elif name == "Iatrogenic":
        # cannula entering from the left
        for width, colour in ((5, INK), (2, "#ffffff")):
            svg.add(
                f'<line x1="{x0 + 10}" y1="{y0 + 6}" x2="{x0 + 120}" y2="{y0 + 140}" '
                f'stroke="{colour}" stroke-width="{width}"/>'
            )
        svg.text(x0 + 36, y0 + 112, "cannula", 14, "middle", italic=True)
        for k, (dx, dy) in enumerate(
            [(128, 150), (146, 138), (140, 166), (160, 156), (118, 170), (106, 136)]
        ):
            deposit(svg, x0 + dx, y0 + dy, 8.5, k)
        vessel(svg, *va)
    elif name == "Calciphylaxis":
        svg.rect(x0 + 40, y0, 180, 34, "url(#pat-necrosis)", sw=1)
        svg.text(x0 + 130, y0 + 52, "necrosis", 14, "middle", italic=True)
        vessel(svg, *va, calcified=True, thrombosed=True)
        vessel(svg, *vb, calcified=True, thrombosed=True)
        vessel(svg, x0 + pw * 0.62, y0 + 175, 11, calcified=True)
        deposit(svg, x0 + pw * 0.85, y0 + 160, 6, 2)
    elif name == "WISN":
        svg.rect(x0 + 40, y0, 180, 34, "url(#pat-necrosis)", sw=1)
        svg.text(x0 + 130, y0 + 52, "necrosis", 14, "middle", italic=True)
        vessel(svg, *va, thrombosed=True)
        vessel(svg, *vb, thrombosed=True)
        for dx, dy in [(60, 75), (150, 95), (200, 165), (110, 190)]:
            svg.add(
                f'<circle cx="{x0 + dx}" cy="{y0 + dy}" r="7" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>'
            )
            thrombus(svg, x0 + dx, y0 + dy, 4.5)
    svg.text(x0 + pw / 2, y0 + 210 + 20, cap1, 14, "middle")
    svg.text(x0 + pw / 2, y0 + 210 + 37, cap2, 14, "middle")


def skin_legend(svg: Svg, x: float, y: float, columns: int, col_w: float, row_h: float = 30) -> float:
    """The legend's six keys in a grid; returns the y below it."""
    keys = [
        (lambda cx, cy: deposit(svg, cx, cy, 8, 1), "calcium deposit"),
        (lambda cx, cy: vessel(svg, cx, cy, 12), "arteriole"),
        (lambda cx, cy: vessel(svg, cx, cy, 12, calcified=True), "calcified arteriole wall"),
        (lambda cx, cy: thrombus(svg, cx, cy, 8), "thrombus"),
        (lambda cx, cy: svg.rect(cx - 13, cy - 10, 26, 20, "url(#pat-necrosis)", sw=1), "necrotic skin"),
        (
            lambda cx, cy: (
                svg.add(
                    f'<circle cx="{cx}" cy="{cy}" r="9" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>'
                ),
                thrombus(svg, cx, cy, 5),
            ),
            "microthrombus",
        ),
    ]
    rows = math.ceil(len(keys) / columns)
    svg.rect(x, y, columns * col_w, rows * row_h + 16, "#ffffff", sw=1)
    for i, (draw, label) in enumerate(keys):
        row, col = divmod(i, columns)
        cx, cy = x + col * col_w + 26, y + 8 + row * row_h + row_h / 2
        draw(cx, cy)
        svg.text(cx + 20, cy + 5, label, 14)
    return y + rows * row_h + 16


def skin_cross_section(narrow: bool = False) -> Svg:
    """Six cross-sections: 3 x 2 on a wide screen, one under another on a phone."""
    W, H = (360, 2040) if narrow else (960, 790)
    svg = Svg(
        W,
        H,
        "Where calcium lies in each variant: schematic skin cross-sections",
        "Six schematic cross-sections of the skin, each with three layers from top to bottom: "
        "epidermis, dermis and subcutaneous fat, with a small arteriole in the dermis and one in "
        "the fat. Dystrophic calcification: calcium deposits in and beneath an ulcer's wound bed, "
        "in damaged dermis and subcutaneous tissue. Metastatic calcification: deposits scattered "
        "in normal dermis and subcutaneous tissue, and in internal organs. Idiopathic "
        "calcification: deposits in subcutaneous tissue with no damage. Iatrogenic calcification: "
        "deposits clustered around the tip of an intravenous cannula where calcium leaked. "
        "Calciphylaxis: the walls of the arterioles in the dermis and subcutaneous fat are "
        "calcified, their lumens hold thrombus, a few deposits lie outside the vessels, and the "
        "skin above is necrotic. Warfarin-induced skin necrosis: no calcium; small vessels hold "
        "microthrombi and the skin above is necrotic.",
        "fig-skin",
    )
    common_defs(svg)
    if narrow:
        svg.text(W / 2, 26, "Where calcium lies in each variant", 18, "middle", "bold")
        svg.text(W / 2, 48, "(schematic, not to scale)", 14, "middle")
        left, top0, step = 88, 90, 312
        for idx, (name, cap1, cap2) in enumerate(SKIN_PANELS):
            skin_panel(
                svg, name, cap1, cap2, left, top0 + idx * step, row_labels=True, fat_label="Subcutis (fat)"
            )
        skin_legend(svg, 8, top0 + len(SKIN_PANELS) * step - 40, columns=2, col_w=172)
        return svg
    svg.text(W / 2, 30, "Where calcium lies in each variant (schematic, not to scale)", 20, "middle", "bold")
    left, gap, top0 = 118, 12, 74
    for idx, (name, cap1, cap2) in enumerate(SKIN_PANELS):
        row, col = divmod(idx, 3)
        skin_panel(
            svg,
            name,
            cap1,
            cap2,
            left + col * (SKIN_PW + gap),
            top0 + row * (SKIN_PH + 70),
            row_labels=col == 0,
        )
    skin_legend(svg, 20, 708, columns=3, col_w=(W - 40) / 3, row_h=30)
    return svg


# --------------------------------------------------------------------------- figure 2
# Every number on the plane comes from the clinical model (widgets.clinical): the reference
# box from its ranges, the hypercalcaemia lines from its calcium bands, the Ca x P curves from
# its mg/dL factors and lines, and each teaching case from assessing its preset.
MARKERS = {  # taught conditions -> (marker, legend label)
    ("dystrophic",): ("circle", "Dystrophic"),
    ("metastatic",): ("square", "Metastatic"),
    ("dystrophic", "metastatic"): ("circle-square", "Overlap DC + MC"),
    ("idiopathic",): ("diamond", "Idiopathic"),
    ("iatrogenic",): ("triangle", "Iatrogenic"),
    ("calciphylaxis",): ("star", "Calciphylaxis"),
    ("wisn",): ("x", "WISN"),
}
# Where each case's label sits, in px from its marker (wide layout); layout, not knowledge.
LABEL_OFFSETS = {"V3": (-22, -22), "V4": (22, -12), "V5": (20, -12), "V8": (-16, 24)}
LABEL_OFFSETS_NARROW = {**LABEL_OFFSETS, "V3": (0, 26)}


def plane_data() -> dict:
    """The plane as the model gives it (``widgets.clinical.ca_p_plane()``), with the
    hypercalcaemia band edges and the variant cases the figure marks."""
    from . import clinical

    rules = clinical.knowledge()  # read only
    data = dict(clinical.ca_p_plane())
    # hypercalcaemia: the upper reference limit, then the numeric edges of the calcium bands
    edges = [b.get("below", b.get("upto")) for b in rules["bands"]["bands"]["calcium"]["bands"]]
    data["hypercalcaemia"] = [
        data["reference_box"]["y"][1],
        *[e for e in edges if isinstance(e, (int, float))],
    ]
    # the variant cases only (not the healthy adult or the look-alike vignettes)
    data["cases"] = [v for v in data["vignettes"] if tuple(v["taught"]["conditions"]) in MARKERS]
    return data


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if round(x, 2) != round(x) else f"{x:.1f}"


def ca_p_plane(narrow: bool = False) -> Svg:
    d = plane_data()
    xa, ya = d["x"], d["y"]
    (plo, phi), (clo, chi) = d["reference_box"]["x"], d["reference_box"]["y"]
    upper, moderate, severe = d["hypercalcaemia"][:3]
    curves = sorted(d["curves"], key=lambda c: c["mg2_dl2"])
    low_curve, high_curve = curves[0], curves[-1]
    cases = d["cases"]
    in_box = [c for c in cases if plo <= c["phosphate"] <= phi and clo <= c["calcium"] <= chi]
    kinds = {}
    for c in cases:
        kinds.setdefault(tuple(c["taught"]["conditions"]), []).append(c["id"])

    def where(c):
        return f"{c['id']} (phosphate {_num(c['phosphate'])}, calcium {_num(c['calcium'])})"

    desc = (
        f"A graph with serum phosphate ({_num(xa['min'])} to {_num(xa['max'])} mmol/L) on the horizontal axis and "
        f"albumin-corrected serum calcium ({_num(ya['min'])} to {_num(ya['max'])} mmol/L) on the vertical axis. "
        f"A hatched box marks the adult reference ranges, calcium {_num(clo)} to {_num(chi)} and phosphate "
        f"{_num(plo)} to {_num(phi)} mmol/L: dystrophic, idiopathic and iatrogenic calcification lie here, with "
        f"normal calcium and phosphate. A dashed horizontal line at {_num(upper)} marks hypercalcaemia, with "
        f"moderate from {_num(moderate)} and severe from {_num(severe)} mmol/L. Two curves mark a calcium–phosphate "
        f"product of {_num(low_curve['mmol2_l2'])} mmol²/L² ({low_curve['mg2_dl2']} mg²/dL², the KDOQI 2003 target "
        f"in kidney disease, now history) and {_num(high_curve['mmol2_l2'])} mmol²/L² ({high_curve['mg2_dl2']} "
        f"mg²/dL², the classic threshold for metastatic calcification). The cross-hatched region above the "
        f"{high_curve['mg2_dl2']} curve or above the hypercalcaemia line is typical of metastatic calcification. "
        "Calciphylaxis can occur anywhere on the plane, and warfarin-induced skin necrosis is not defined by "
        "calcium or phosphate. Teaching cases: "
        + "; ".join(
            f"{MARKERS[k][1]}: " + ", ".join(where(c) for c in cases if tuple(c["taught"]["conditions"]) == k)
            for k in kinds
        )
        + "."
    )
    if narrow:
        W, px0, py0, pw, ph = 360, 56, 78, 290, 330
    else:
        W, px0, py0, pw, ph = 960, 90, 60, 560, 480
    xmin, xmax, ymin, ymax = xa["min"], xa["max"], ya["min"], ya["max"]

    def X(p):
        return px0 + (p - xmin) / (xmax - xmin) * pw

    def Y(c):
        return py0 + ph - (c - ymin) / (ymax - ymin) * ph

    legend_items = [(MARKERS[k][0], f"{MARKERS[k][1]} ({', '.join(ids)})") for k, ids in kinds.items()]
    notes = [
        "Calciphylaxis can occur anywhere on this plane: no laboratory test diagnoses it.",
        "WISN is not defined by calcium or phosphate.",
    ]
    dagger = "† beyond the source article (thresholds from guidelines; see caption)."
    H = 610 if not narrow else py0 + ph + 64 + 26 + len(legend_items) * 26 + 2 * 24 + 26 * 8 + 20
    svg = Svg(W, H, "The calcium–phosphate plane with the regions typical of each variant", desc, "fig-plane")
    common_defs(svg)
    if narrow:
        svg.text(W / 2, 24, "Calcium and phosphate:", 18, "middle", "bold")
        svg.text(W / 2, 46, "where each variant typically lies", 18, "middle", "bold")
    else:
        svg.text(W / 2, 30, "Calcium and phosphate: where each variant typically lies", 20, "middle", "bold")
    svg.add(f'<clipPath id="plot-clip"><rect x="{px0}" y="{py0}" width="{pw}" height="{ph}"/></clipPath>')
    svg.rect(px0, py0, pw, ph, "#ffffff", sw=1.5)
    # metastatic region: above the high curve or above the upper calcium limit
    k = high_curve["mmol2_l2"]
    p0 = k / upper
    pts = [f"{X(xmin):.1f},{Y(ymax):.1f}", f"{X(xmin):.1f},{Y(upper):.1f}", f"{X(p0):.1f},{Y(upper):.1f}"]
    for i in range(41):
        pp = p0 + (xmax - p0) * i / 40
        pts.append(f"{X(pp):.1f},{Y(max(ymin, k / pp)):.1f}")
    pts.append(f"{X(xmax):.1f},{Y(ymax):.1f}")
    svg.add(
        f'<polygon points="{" ".join(pts)}" fill="url(#pat-mc)" stroke="none" clip-path="url(#plot-clip)"/>'
    )
    svg.rect(X(plo), Y(chi), X(phi) - X(plo), Y(clo) - Y(chi), "url(#pat-normal)", sw=1.5)
    # ticks
    tick = 13 if narrow else 14
    n = round((xmax - xmin) / xa["tick_step"])
    first = math.ceil(xmin / xa["tick_step"] - 1e-9) * xa["tick_step"]
    xv = first
    while xv <= xmax + 1e-9:
        svg.add(
            f'<line x1="{X(xv):.1f}" y1="{py0 + ph}" x2="{X(xv):.1f}" y2="{py0 + ph + 6}" stroke="{INK}"/>'
        )
        svg.text(X(xv), py0 + ph + 22, f"{xv:.1f}", tick, "middle")
        xv += xa["tick_step"]
    yv = math.ceil(ymin / ya["tick_step"] - 1e-9) * ya["tick_step"]
    while yv <= ymax + 1e-9:
        svg.add(f'<line x1="{px0 - 6}" y1="{Y(yv):.1f}" x2="{px0}" y2="{Y(yv):.1f}" stroke="{INK}"/>')
        svg.text(px0 - 9, Y(yv) + 5, f"{yv:.1f}", tick, "end")
        yv += ya["tick_step"]
    del n
    axis = 14 if narrow else 16
    svg.text(px0 + pw / 2, py0 + ph + 46, f"Serum phosphate ({xa['unit']})", axis, "middle", "bold")
    ax_x = 16 if narrow else 24
    svg.add(
        f'<text x="{ax_x}" y="{py0 + ph / 2}" font-size="{axis}" font-weight="bold" text-anchor="middle" '
        f'fill="{INK}" transform="rotate(-90 {ax_x} {py0 + ph / 2})" style="{FONT}">'
        f"Corrected serum calcium ({ya['unit']})</text>"
    )
    # Ca x P curves
    for curve, dash in ((low_curve, "2 4"), (high_curve, "10 4")):
        kk = curve["mmol2_l2"]
        pts = []
        for i in range(81):
            pp = xmin + (xmax - xmin) * i / 80
            c = kk / pp
            if ymin <= c <= ymax:
                pts.append(f"{X(pp):.1f},{Y(c):.1f}")
        svg.add(
            f'<polyline points="{" ".join(pts)}" fill="none" stroke="{INK}" stroke-width="2" stroke-dasharray="{dash}"/>'
        )
    for yv in (upper, moderate, severe):
        svg.add(
            f'<line x1="{px0}" y1="{Y(yv):.1f}" x2="{px0 + pw}" y2="{Y(yv):.1f}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="7 5"/>'
        )
    if narrow:  # at the left, just above their lines, where the plane is empty
        chips = [
            (upper, f"Ca {_num(upper)}: hypercalcaemia †"),
            (moderate, f"{_num(moderate)}: moderate †"),
            (severe, f"{_num(severe)}: severe †"),
        ]
        for cyv, lab in chips:
            w = 0.63 * 13 * len(lab) + 14
            svg.rect(px0 + 4, Y(cyv) - 25, w, 22, "#ffffff", sw=1, rx=4)
            svg.text(px0 + 4 + w / 2, Y(cyv) - 9, lab, 13, "middle")
    else:
        chips = [
            (xmin + 0.5 * (xmax - xmin), upper, f"Ca {_num(upper)}: hypercalcaemia †"),
            (xmin + 0.82 * (xmax - xmin), moderate, f"Ca {_num(moderate)}: moderate †"),
            (xmin + 0.82 * (xmax - xmin), severe, f"Ca {_num(severe)}: severe †"),
        ]
        # the curves' labels sit on the curves, at calcium levels apart from each other
        for curve, cyv in (
            (low_curve, ymin + 0.07 * (ymax - ymin)),
            (high_curve, ymin + 0.27 * (ymax - ymin)),
        ):
            chips.append((curve["mmol2_l2"] / cyv, cyv, f"Ca×P {curve['mg2_dl2']} mg²/dL² †"))
        for cxv, cyv, lab in chips:
            w = 0.63 * 14 * len(lab) + 14
            x = min(X(cxv), px0 + pw - w / 2 - 2)
            svg.rect(x - w / 2, Y(cyv) - 12, w, 24, "#ffffff", sw=1, rx=4)
            svg.text(x, Y(cyv) + 5, lab, 14, "middle")
    # cases
    for c in cases:
        marker(svg, X(c["phosphate"]), Y(c["calcium"]), MARKERS[tuple(c["taught"]["conditions"])][0])
    box_label = "In the box: " + ", ".join(c["id"] for c in in_box)
    if narrow:
        w = 0.6 * 13 * len(box_label) + 12
        bx, by = px0 + 4, Y(clo) + 26
        svg.add(
            f'<line x1="{X((plo + phi) / 2):.1f}" y1="{Y(clo):.1f}" x2="{X((plo + phi) / 2):.1f}" y2="{by:.1f}" stroke="{INK}" stroke-width="1"/>'
        )
        svg.rect(bx, by, w, 22, "#ffffff", sw=1, rx=4)
        svg.text(bx + w / 2, by + 16, box_label, 13, "middle", "bold")
        outside = [c for c in cases if c not in in_box]
    else:
        outside = cases
        # in-box cases: labels in a column to the left of the box, each with a leader line
        for i, c in enumerate(sorted(in_box, key=lambda c: -c["calcium"])):
            lx, ly = X(xmin) + 26, Y(chi) + 14 + i * 26
            svg.add(
                f'<line x1="{X(c["phosphate"]):.1f}" y1="{Y(c["calcium"]):.1f}" x2="{lx + 18:.1f}" y2="{ly:.1f}" stroke="{INK}" stroke-width="1"/>'
            )
        outside = [c for c in cases if c not in in_box]
        for i, c in enumerate(sorted(in_box, key=lambda c: -c["calcium"])):
            lx, ly = X(xmin) + 26, Y(chi) + 14 + i * 26
            w = 10 * len(c["id"]) + 8
            svg.rect(lx - w / 2, ly - 11, w, 22, "#ffffff", sw=1, rx=4)
            svg.text(lx, ly + 5, c["id"], 14, "middle", "bold")
    for c in outside:
        dx, dy = (LABEL_OFFSETS_NARROW if narrow else LABEL_OFFSETS).get(c["id"], (18, -16))
        lx, ly = X(c["phosphate"]) + dx, Y(c["calcium"]) + dy
        w = 10 * len(c["id"]) + 8
        lx = min(max(lx, px0 + w / 2 + 2), px0 + pw - w / 2 - 2)
        svg.rect(lx - w / 2, ly - 11, w, 22, "#ffffff", sw=1, rx=4)
        svg.text(lx, ly + 5, c["id"], 14, "middle", "bold")
    if not narrow:
        svg.rect(X(xmin) + 4, Y(ymax) + 6, 250, 46, "#ffffff", sw=1)
        svg.lines(
            X(xmin) + 12, Y(ymax) + 25, ["Metastatic: raised calcium", "and/or phosphate (cross-hatched)"], 14
        )
    # legend
    if narrow:
        lx, ly, lw, size, wrap_at = 8, py0 + ph + 64, W - 16, 14, 44
    else:
        lx, ly, lw, size, wrap_at = 680, 70, 262, 14, 32
    rows = [("Teaching cases (Part 5)", None)] + [(t, m) for m, t in legend_items]
    if narrow:
        rows += [
            (f"Ca×P {low_curve['mg2_dl2']} mg²/dL² (KDOQI 2003, history) †", "dash-short"),
            (f"Ca×P {high_curve['mg2_dl2']} mg²/dL² (classic threshold) †", "dash-long"),
            ("Metastatic region (cross-hatched)", "region"),
        ]
    yy = ly + 26
    parts = []
    for text, m in rows:
        if m is None:
            parts.append(("title", lx + 12, yy, text))
        else:
            parts.append((m, lx + 24, yy - 5, text))
        yy += 26
    yy += 4
    note_lines = []
    for note in notes:
        note_lines.append((yy, wrap(note, wrap_at)))
        yy += len(note_lines[-1][1]) * size * 1.3 + 8
    dag = wrap(dagger, wrap_at)
    yy_dag = yy
    yy += len(dag) * size * 1.3
    svg.rect(lx, ly, lw, yy - ly, "#ffffff", sw=1)
    for kind, x, y, text in parts:
        if kind == "title":
            svg.text(x, y, text, 15, weight="bold")
        elif kind in ("dash-short", "dash-long"):
            dash = "2 4" if kind == "dash-short" else "10 4"
            svg.add(
                f'<line x1="{x - 14}" y1="{y}" x2="{x + 10}" y2="{y}" stroke="{INK}" stroke-width="2" stroke-dasharray="{dash}"/>'
            )
            svg.text(x + 20, y + 5, text, size)
        elif kind == "region":
            svg.rect(x - 12, y - 8, 24, 16, "url(#pat-mc)", sw=1)
            svg.text(x + 20, y + 5, text, size)
        else:
            marker(svg, x, y, kind)
            svg.text(x + 20, y + 5, text, size)
    for y, lines in note_lines:
        svg.lines(lx + 12, y, lines, size)
    svg.lines(lx + 12, yy_dag, dag, size, italic=True)
    if narrow:
        svg.h = int(yy + 16)
    return svg


def marker(svg: Svg, x: float, y: float, kind: str) -> None:
    s = 7
    if kind == "circle":
        svg.add(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s}" fill="#ffffff" stroke="{INK}" stroke-width="2.2"/>'
        )
    elif kind == "square":
        svg.rect(x - s, y - s, 2 * s, 2 * s, INK, sw=1)
    elif kind == "circle-square":
        svg.rect(x - s, y - s, 2 * s, 2 * s, "#ffffff", sw=2)
        svg.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s - 3}" fill="{INK}"/>')
    elif kind == "diamond":
        svg.add(
            f'<polygon points="{x:.1f},{y - s - 2:.1f} {x + s + 2:.1f},{y:.1f} {x:.1f},{y + s + 2:.1f} '
            f'{x - s - 2:.1f},{y:.1f}" fill="#ffffff" stroke="{INK}" stroke-width="2"/>'
        )
    elif kind == "triangle":
        svg.add(
            f'<polygon points="{x:.1f},{y - s - 1:.1f} {x + s + 1:.1f},{y + s:.1f} {x - s - 1:.1f},{y + s:.1f}" '
            f'fill="{INK}" stroke="{INK}" stroke-width="1"/>'
        )
    elif kind == "star":
        pts = []
        for i in range(10):
            r = s + 3 if i % 2 == 0 else (s + 3) * 0.45
            a = -math.pi / 2 + i * math.pi / 5
            pts.append(f"{x + r * math.cos(a):.1f},{y + r * math.sin(a):.1f}")
        svg.add(f'<polygon points="{" ".join(pts)}" fill="{INK}"/>')
    elif kind == "x":
        svg.add(
            f'<path d="M{x - s:.1f},{y - s:.1f} L{x + s:.1f},{y + s:.1f} M{x + s:.1f},{y - s:.1f} '
            f'L{x - s:.1f},{y + s:.1f}" stroke="{INK}" stroke-width="3"/>'
        )


# --------------------------------------------------------------------------- figure 3
HYPERCALCAEMIA_CAUSES = [
    (
        "1  Parathyroid hormone",
        "Increased secretion of PTH: hyperparathyroidism (benign or malignant tumours)",
    ),
    (
        "2  Bone resorption",
        "Primary or secondary tumours of bone or bone marrow, Paget's disease, immobility",
    ),
    ("3  Vitamin D", "Vitamin D-related disorders"),
    ("4  Renal failure", "Renal failure (see the first note †)"),
]
HYPERCALCAEMIA_NOTES = [
    "† Beyond the article: in renal failure metastatic calcification is driven mainly by raised "
    "phosphate (Ca×P); calcium may be normal or low (Reiter 2011a; Minars).",
    "† 'Benign or malignant tumours' joins two mechanisms: PTH from parathyroid tumours and "
    "PTH-related protein from other cancers (standard pathology account).",
]


def _hypercalcaemia_causes_narrow(svg: Svg) -> Svg:
    W = svg.w
    svg.text(W / 2, 26, "Four main causes of hypercalcaemia", 18, "middle", "bold")
    svg.text(W / 2, 48, "(Kumar et al, 2015)", 14, "middle")
    y = 66
    for head, body in HYPERCALCAEMIA_CAUSES:
        lines = wrap(body, 40)
        h = 34 + len(lines) * 18 + 8
        svg.rect(10, y, W - 20, h, BOX, rx=8)
        svg.text(22, y + 24, head, 16, weight="bold")
        svg.lines(22, y + 46, lines, 14, lh=18)
        y += h + 8
    svg.add(
        f'<line x1="{W / 2}" y1="{y}" x2="{W / 2}" y2="{y + 30}" stroke="{INK}" stroke-width="2" marker-end="url(#arrow)"/>'
    )
    y += 32
    svg.rect(40, y, W - 80, 56, BOX2, rx=8, sw=2)
    svg.text(W / 2, y + 26, "Hypercalcaemia", 18, "middle", "bold")
    svg.text(W / 2, y + 46, "raised serum calcium", 14, "middle")
    y += 56
    svg.add(
        f'<line x1="{W / 2}" y1="{y}" x2="{W / 2}" y2="{y + 30}" stroke="{INK}" stroke-width="2" marker-end="url(#arrow)"/>'
    )
    y += 32
    lines = wrap(
        "Calcium salts precipitate in normal tissues: gastric mucosa, kidneys, lungs, systemic "
        "arteries, pulmonary veins; skin and subcutaneous tissue",
        40,
    )
    h = 34 + len(lines) * 18 + 8
    svg.rect(10, y, W - 20, h, BOX2, rx=8, sw=2)
    svg.text(W / 2, y + 24, "Metastatic calcification", 18, "middle", "bold")
    svg.lines(W / 2, y + 46, lines, 14, lh=18, anchor="middle")
    y += h + 14
    for note in HYPERCALCAEMIA_NOTES:
        lines = wrap(note, 42)
        h = len(lines) * 18 + 18
        svg.rect(10, y, W - 20, h, NOTE, rx=6)
        svg.lines(20, y + 22, lines, 14, lh=18)
        y += h + 10
    svg.h = int(y + 4)
    return svg


def hypercalcaemia_causes(narrow: bool = False) -> Svg:
    W, H = (360, 1180) if narrow else (960, 600)
    svg = Svg(
        W,
        H,
        "The four main causes of hypercalcaemia and how they lead to metastatic calcification",
        "A flow diagram. Four numbered boxes at the top list the four main causes of "
        "hypercalcaemia given by Kumar et al (2015) in the source article: 1, increased "
        "secretion of parathyroid hormone from hyperparathyroidism (benign or malignant "
        "tumours); 2, resorption of bone tissue from primary or secondary tumours of bone or "
        "bone marrow, Paget's disease or immobility; 3, vitamin D-related disorders; 4, renal "
        "failure. Arrows lead from all four to a central box, hypercalcaemia, and from there to "
        "a box for metastatic calcification: calcium salts precipitate in normal tissues, "
        "commonly the gastric mucosa, kidneys, lungs, systemic arteries and pulmonary veins, "
        "and in skin and subcutaneous tissue. A side note marked beyond the article says that "
        "in renal failure metastatic calcification is driven mainly by raised phosphate or a "
        "raised calcium–phosphate product, and calcium may be normal or low; a second note says "
        "that 'benign or malignant tumours' covers two mechanisms, parathyroid hormone from "
        "parathyroid tumours and parathyroid hormone-related protein from other cancers. "
        "Daggers mark notes beyond the source article.",
        "fig-hyperca",
    )
    common_defs(svg)
    if narrow:
        return _hypercalcaemia_causes_narrow(svg)
    svg.text(W / 2, 30, "Four main causes of hypercalcaemia (Kumar et al, 2015)", 20, "middle", "bold")
    causes = HYPERCALCAEMIA_CAUSES
    bw, bh, gx = 216, 150, 12
    x = 20
    for head, body in causes:
        svg.rect(x, 56, bw, bh, BOX, rx=8)
        svg.text(x + 12, 82, head, 16, weight="bold")
        svg.lines(x + 12, 108, wrap(body, 26), 14)
        svg.add(
            f'<line x1="{x + bw / 2}" y1="{56 + bh}" x2="{W / 2 + (x + bw / 2 - W / 2) * 0.35:.1f}" y2="266" '
            f'stroke="{INK}" stroke-width="2" marker-end="url(#arrow)"/>'
        )
        x += bw + gx
    svg.rect(W / 2 - 150, 268, 300, 56, BOX2, rx=8, sw=2)
    svg.text(W / 2, 294, "Hypercalcaemia", 18, "middle", "bold")
    svg.text(W / 2, 314, "raised serum calcium", 14, "middle")
    svg.add(
        f'<line x1="{W / 2}" y1="324" x2="{W / 2}" y2="362" stroke="{INK}" stroke-width="2" marker-end="url(#arrow)"/>'
    )
    svg.rect(W / 2 - 230, 364, 460, 104, BOX2, rx=8, sw=2)
    svg.text(W / 2, 390, "Metastatic calcification", 18, "middle", "bold")
    svg.lines(
        W / 2,
        414,
        [
            "Calcium salts precipitate in normal tissues: gastric",
            "mucosa, kidneys, lungs, systemic arteries, pulmonary",
            "veins; skin and subcutaneous tissue",
        ],
        14,
        anchor="middle",
    )
    # notes
    svg.rect(20, 488, 450, 100, NOTE, rx=6)
    svg.lines(
        32,
        510,
        [
            "† Beyond the article: in renal failure",
            "metastatic calcification is driven mainly by",
            "raised phosphate (Ca×P); calcium may be",
            "normal or low (Reiter 2011a; Minars).",
        ],
        14,
    )
    svg.rect(490, 488, 450, 100, NOTE, rx=6)
    svg.lines(
        502,
        510,
        [
            "† 'Benign or malignant tumours' joins two",
            "mechanisms: PTH from parathyroid tumours",
            "and PTH-related protein from other",
            "cancers (standard pathology account).",
        ],
        14,
    )
    return svg


# --------------------------------------------------------------------------- figure 4
def calciphylaxis_vs_wisn(narrow: bool = False) -> Svg:
    rows = [
        (
            "Setting",
            "End-stage renal disease, dialysis, renal transplant; also with normal renal and parathyroid function",
            "Warfarin treatment",
        ),
        (
            "Risk factors",
            "Obesity, female sex, diabetes, secondary hyperparathyroidism, warfarin",
            "Protein C or S deficiency, large loading doses, no heparin overlap †",
        ),
        ("Onset", "Progressive", "Typically days 3–10 after starting warfarin †; lesions evolve rapidly"),
        (
            "Early signs",
            "Purple mottling like livedo reticularis, blood-filled blisters, nodules",
            "Paraesthesia, oedema, mild rash",
        ),
        (
            "Sites",
            "Often the lower limbs; trunk and proximal lesions do worse",
            "Fat-rich areas: abdomen, buttocks, thighs, legs, breasts",
        ),
        (
            "Late picture",
            "Necrotic violaceous plaques; multiple painful non-healing ulcers; infection",
            "Full-thickness skin necrosis with deep subcutaneous ulcers",
        ),
        (
            "Biopsy",
            "Calcified walls of small dermal and subcutaneous arterioles, with thrombosis",
            "Diffuse microthrombi; endothelial damage; red cells outside vessels; no inflammation, no calcium",
        ),
        (
            "Systemic care",
            "Parathyroidectomy if hyperparathyroid; revise haemodialysis in kidney disease",
            "Alternative anticoagulation",
        ),
    ]
    W = 960
    lab_w, col_w = 150, 370
    row_hs = []
    for _, a, b in rows:
        n = max(len(wrap(a, 44)), len(wrap(b, 44)))
        row_hs.append(16 + n * 19)
    top = 240
    H = top + 40 + sum(row_hs) + 50
    svg = Svg(
        W,
        H,
        "Calciphylaxis and warfarin-induced skin necrosis side by side",
        "Two columns compare calciphylaxis (left) and warfarin-induced skin necrosis, WISN "
        "(right). At the top, a drawing of each vessel: in calciphylaxis a small arteriole "
        "whose wall is thickened and calcified, with a thrombus in the narrowed lumen; in WISN "
        "small capillaries and venules that hold microthrombi, with no calcium in the wall and "
        "no inflammation. Below, a table compares them row by row. "
        + " ".join(f"{r[0]}: calciphylaxis, {r[1]}; WISN, {r[2]}." for r in rows)
        + " Items marked with a dagger go beyond the source article.",
        "fig-cvw",
    )
    common_defs(svg)
    if narrow:
        return _calciphylaxis_vs_wisn_narrow(svg, rows)
    svg.text(
        W / 2, 30, "Calciphylaxis and WISN: alike on the skin, different in the vessels", 20, "middle", "bold"
    )
    cx1, cx2 = lab_w + 20 + col_w / 2, lab_w + 40 + col_w * 1.5
    svg.text(cx1, 66, "Calciphylaxis", 18, "middle", "bold")
    svg.text(cx2, 66, "Warfarin-induced skin necrosis", 18, "middle", "bold")
    # calciphylaxis vessel
    svg.add(
        f'<circle cx="{cx1}" cy="140" r="52" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="2.5"/>'
    )
    svg.add(f'<circle cx="{cx1}" cy="140" r="22" fill="#fde3e3" stroke="{INK}" stroke-width="2"/>')
    thrombus(svg, cx1, 140, 14)
    svg.text(cx1 + 64, 112, "calcified wall", 14)
    svg.text(cx1 + 64, 145, "narrow lumen", 14)
    svg.text(cx1 + 64, 178, "thrombus", 14)
    svg.text(cx1, 218, "arteriole in dermis or subcutaneous fat", 14, "middle", italic=True)
    # WISN vessels
    for dx, dy, r in [(-90, 120, 22), (-20, 160, 26), (55, 118, 22)]:
        svg.add(
            f'<circle cx="{cx2 + dx}" cy="{dy}" r="{r}" fill="#f7c9c9" stroke="{INK}" stroke-width="1.5"/>'
        )
        svg.add(
            f'<circle cx="{cx2 + dx}" cy="{dy}" r="{r * 0.72:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>'
        )
        thrombus(svg, cx2 + dx, dy, r * 0.45)
    svg.text(cx2 + 90, 150, "microthrombi;", 14)
    svg.text(cx2 + 90, 168, "thin wall,", 14)
    svg.text(cx2 + 90, 186, "no calcium", 14)
    svg.text(cx2, 218, "capillaries, venules and deep veins", 14, "middle", italic=True)

    y = top
    svg.rect(20, y, lab_w, 34, BOX, sw=1)
    svg.rect(20 + lab_w, y, col_w + 20, 34, BOX, sw=1)
    svg.rect(40 + lab_w + col_w, y, col_w + 10, 34, BOX, sw=1)
    svg.text(28, y + 23, "Feature", 15, weight="bold")
    svg.text(30 + lab_w, y + 23, "Calciphylaxis", 15, weight="bold")
    svg.text(50 + lab_w + col_w, y + 23, "WISN", 15, weight="bold")
    y += 34
    for (lab, a, b), h in zip(rows, row_hs):
        svg.rect(20, y, lab_w, h, "#ffffff", sw=1)
        svg.rect(20 + lab_w, y, col_w + 20, h, "#ffffff", sw=1)
        svg.rect(40 + lab_w + col_w, y, col_w + 10, h, "#ffffff", sw=1)
        svg.text(28, y + 22, lab, 14, weight="bold")
        svg.lines(30 + lab_w, y + 22, wrap(a, 44), 14, lh=19)
        svg.lines(50 + lab_w + col_w, y + 22, wrap(b, 44), 14, lh=19)
        y += h
    svg.text(20, y + 30, "† beyond the source article (see the chapter text for sources).", 14, italic=True)
    return svg


def _calciphylaxis_vs_wisn_narrow(svg: Svg, rows) -> Svg:
    W = svg.w = 360
    svg.text(W / 2, 26, "Calciphylaxis and WISN: alike on", 18, "middle", "bold")
    svg.text(W / 2, 48, "the skin, different in the vessels", 18, "middle", "bold")
    # calciphylaxis vessel
    cx1, cx2, cy = 92, 268, 150
    svg.text(cx1, 84, "Calciphylaxis", 16, "middle", "bold")
    svg.text(cx2, 84, "WISN", 16, "middle", "bold")
    svg.add(
        f'<circle cx="{cx1}" cy="{cy}" r="44" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="2.5"/>'
    )
    svg.add(f'<circle cx="{cx1}" cy="{cy}" r="19" fill="#fde3e3" stroke="{INK}" stroke-width="2"/>')
    thrombus(svg, cx1, cy, 12)
    svg.lines(cx1, 216, ["calcified wall, narrow", "lumen, thrombus"], 14, anchor="middle")
    for dx, dy, r in [(-44, -22, 20), (8, 18, 24), (44, -24, 18)]:
        svg.add(
            f'<circle cx="{cx2 + dx}" cy="{cy + dy}" r="{r}" fill="#f7c9c9" stroke="{INK}" stroke-width="1.5"/>'
        )
        svg.add(
            f'<circle cx="{cx2 + dx}" cy="{cy + dy}" r="{r * 0.72:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>'
        )
        thrombus(svg, cx2 + dx, cy + dy, r * 0.45)
    svg.lines(cx2, 216, ["microthrombi; thin", "wall, no calcium"], 14, anchor="middle")
    y = 254
    for label, a, b in rows:
        la, lb = wrap(a, 40), wrap(b, 40)
        h = 34 + 20 + len(la) * 18 + 24 + len(lb) * 18 + 8
        svg.rect(10, y, W - 20, h, "#ffffff", sw=1)
        svg.rect(10, y, W - 20, 30, BOX, sw=1)
        svg.text(20, y + 21, label, 15, weight="bold")
        yy = y + 52
        svg.text(20, yy, "Calciphylaxis", 14, weight="bold", italic=True)
        yy = svg.lines(20, yy + 20, la, 14, lh=18)
        svg.text(20, yy + 4, "WISN", 14, weight="bold", italic=True)
        svg.lines(20, yy + 24, lb, 14, lh=18)
        y += h + 8
    yy = svg.lines(
        10,
        y + 18,
        wrap("† beyond the source article (see the chapter text for sources).", 44),
        14,
        italic=True,
    )
    svg.h = int(yy + 6)
    return svg


FIGURES = {
    "skin-cross-section.svg": skin_cross_section,
    "calcium-phosphate-plane.svg": ca_p_plane,
    "hypercalcaemia-causes.svg": hypercalcaemia_causes,
    "calciphylaxis-vs-wisn.svg": calciphylaxis_vs_wisn,
}
NARROW_SUFFIX = "-narrow"  # NAME-narrow.svg: the phone layout of NAME.svg (see _ext/offline.py)


def narrow_name(name: str) -> str:
    return name.replace(".svg", f"{NARROW_SUFFIX}.svg")


def render_all() -> dict[str, str]:
    """{file name: SVG text} for every figure, wide and narrow."""
    out = {}
    for name, draw in FIGURES.items():
        out[name] = draw().render()
        out[narrow_name(name)] = draw(narrow=True).render()
    return out


def main(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_all().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd() / "chapters" / "images"
    if len(sys.argv) == 1 and not target.is_dir():
        raise SystemExit(
            "run from the repository root (python -m widgets.figures), or give the output folder"
        )
    for p in main(target):
        print(p)
