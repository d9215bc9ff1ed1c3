"""Draw the course's schematic figures as accessible SVG files.

Usage:  python scripts/make_figures.py [OUTPUT_DIR]      (default: chapters/images)

Pure standard library, deterministic output (the test in tests/test_figures.py regenerates the
figures into a temporary folder and compares them with the committed files).

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
        svg.add(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="2"/>')
        svg.add(f'<circle cx="{cx}" cy="{cy}" r="{r * 0.55:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1.5"/>')
    else:
        svg.add(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#f7c9c9" stroke="{INK}" stroke-width="1.5"/>')
        svg.add(f'<circle cx="{cx}" cy="{cy}" r="{r * 0.7:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>')
    if thrombosed:
        thrombus(svg, cx, cy, r * 0.45)


# --------------------------------------------------------------------------- figure 1
def skin_cross_section() -> Svg:
    W, H = 960, 790
    svg = Svg(
        W, H,
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
    svg.text(W / 2, 30, "Where calcium lies in each variant (schematic, not to scale)", 20, "middle", "bold")

    left, pw, gap = 118, 266, 12
    top0, ph = 74, 250
    layers = [("Epidermis", 0, 34), ("Dermis", 34, 120), ("Subcutaneous fat", 120, 210)]
    panels = [
        ("Dystrophic", "In damaged tissue: wound bed,", "dermis and subcutis"),
        ("Metastatic", "In normal dermis and subcutis", "(and internal organs)"),
        ("Idiopathic", "In subcutaneous tissue,", "without damage"),
        ("Iatrogenic", "Around the site where IV", "calcium leaked"),
        ("Calciphylaxis", "In arteriolar walls of dermis", "and fat; necrosis above"),
        ("WISN", "No calcium: microthrombi in", "small vessels; necrosis above"),
    ]
    for idx, (name, cap1, cap2) in enumerate(panels):
        row, col = divmod(idx, 3)
        x0 = left + col * (pw + gap)
        y0 = top0 + row * (ph + 70)
        svg.text(x0 + pw / 2, y0 - 8, name, 17, "middle", "bold")
        # layers
        svg.rect(x0, y0, pw, 34, EPIDERMIS, sw=1)
        svg.rect(x0, y0 + 34, pw, 86, DERMIS, sw=1)
        svg.rect(x0, y0 + 120, pw, 90, "url(#pat-fat)", sw=1)
        # row labels on the left of each row
        if col == 0:
            for label, a, b in layers:
                ys = y0 + (a + b) / 2 + 5
                for j, part in enumerate(label.split(" ")):
                    n = len(label.split(" "))
                    svg.text(left - 8, ys + (j - (n - 1) / 2) * 17, part, 14, "end")
        # the arterioles present in every panel
        va = (x0 + pw * 0.72, y0 + 85)
        vb = (x0 + pw * 0.30, y0 + 168)
        if name == "Dystrophic":
            # ulcer: a notch through the epidermis into the dermis = wound bed
            svg.add(
                f'<path d="M{x0 + 60},{y0} L{x0 + 85},{y0 + 58} L{x0 + 175},{y0 + 58} '
                f'L{x0 + 200},{y0} Z" fill="#ffffff" stroke="{INK}" stroke-width="1.5"/>'
            )
            svg.text(x0 + 130, y0 + 26, "ulcer", 14, "middle", italic=True)
            for k, (dx, dy) in enumerate([(95, 62), (120, 64), (150, 63), (108, 92), (160, 100), (130, 140), (175, 150)]):
                deposit(svg, x0 + dx, y0 + dy, 8.5, k)
            vessel(svg, *va)
            vessel(svg, *vb)
        elif name == "Metastatic":
            for k, (dx, dy) in enumerate([(40, 60), (110, 72), (200, 52), (150, 100), (60, 110), (215, 140), (120, 150), (175, 190), (45, 195)]):
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
            svg.add(
                f'<line x1="{x0 + 10}" y1="{y0 + 6}" x2="{x0 + 120}" y2="{y0 + 140}" '
                f'stroke="{INK}" stroke-width="5"/>'
            )
            svg.add(
                f'<line x1="{x0 + 10}" y1="{y0 + 6}" x2="{x0 + 120}" y2="{y0 + 140}" '
                f'stroke="#ffffff" stroke-width="2"/>'
            )
            svg.text(x0 + 36, y0 + 112, "cannula", 14, "middle", italic=True)
            for k, (dx, dy) in enumerate([(128, 150), (146, 138), (140, 166), (160, 156), (118, 170), (106, 136)]):
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
                svg.add(f'<circle cx="{x0 + dx}" cy="{y0 + dy}" r="7" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>')
                thrombus(svg, x0 + dx, y0 + dy, 4.5)
        svg.text(x0 + pw / 2, y0 + 210 + 20, cap1, 14, "middle")
        svg.text(x0 + pw / 2, y0 + 210 + 37, cap2, 14, "middle")

    # legend
    ly = 738
    svg.rect(20, ly - 26, W - 40, 56, "#ffffff", sw=1)
    deposit(svg, 48, ly + 2, 8, 1)
    svg.text(62, ly + 7, "calcium deposit", 14)
    vessel(svg, 210, ly + 2, 12)
    svg.text(228, ly + 7, "arteriole", 14)
    vessel(svg, 330, ly + 2, 12, calcified=True)
    svg.text(348, ly + 7, "calcified arteriole wall", 14)
    thrombus(svg, 530, ly + 2, 8)
    svg.text(544, ly + 7, "thrombus", 14)
    svg.rect(640, ly - 8, 26, 20, "url(#pat-necrosis)", sw=1)
    svg.text(674, ly + 7, "necrotic skin", 14)
    svg.add(f'<circle cx="800" cy="{ly + 2}" r="9" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>')
    thrombus(svg, 800, ly + 2, 5)
    svg.text(816, ly + 7, "microthrombus", 14)
    return svg


# --------------------------------------------------------------------------- figure 2
def ca_p_plane() -> Svg:
    W, H = 960, 610
    svg = Svg(
        W, H,
        "The calcium–phosphate plane with the regions typical of each variant",
        "A graph with serum phosphate (0.5 to 3.0 mmol/L) on the horizontal axis and "
        "albumin-corrected serum calcium (1.8 to 3.6 mmol/L) on the vertical axis. A hatched box "
        "marks the usual adult reference range, calcium up to 2.60 and phosphate 0.81 to 1.45 "
        "mmol/L: dystrophic, idiopathic and iatrogenic calcification lie here, with normal "
        "calcium and phosphate. A dashed horizontal line at 2.60 marks hypercalcaemia, with "
        "moderate from 3.0 and severe from 3.5 mmol/L. Two curves mark a calcium–phosphate "
        "product of 4.43 mmol²/L² (55 mg²/dL², the KDOQI target in kidney disease) and 5.64 "
        "mmol²/L² (70 mg²/dL², the classic threshold for metastatic calcification). The "
        "cross-hatched region above the 70 curve or above the hypercalcaemia line is typical of "
        "metastatic calcification. Calciphylaxis can occur anywhere on the plane, and warfarin-"
        "induced skin necrosis is not defined by calcium or phosphate. Teaching cases are "
        "plotted: V1, V2 and V6 (dystrophic and idiopathic) and V11 (WISN) in the normal box; V7 "
        "(iatrogenic) just inside it; V3 (metastatic, phosphate 2.45, calcium 2.64) beyond the "
        "70 curve; V4 (metastatic, vitamin D, calcium 3.06, phosphate 1.70) in the moderate "
        "hypercalcaemia band; V5 (overlap, calcium 2.78, phosphate 1.95); V8 (calciphylaxis, "
        "calcium 2.51, phosphate 2.10) between the two curves.",
        "fig-plane",
    )
    common_defs(svg)
    px0, py0, pw, ph = 90, 60, 560, 480
    xmin, xmax, ymin, ymax = 0.5, 3.0, 1.8, 3.6

    def X(p):
        return px0 + (p - xmin) / (xmax - xmin) * pw

    def Y(c):
        return py0 + ph - (c - ymin) / (ymax - ymin) * ph

    svg.text(W / 2, 30, "Calcium and phosphate: where each variant typically lies", 20, "middle", "bold")
    svg.add(f'<clipPath id="plot-clip"><rect x="{px0}" y="{py0}" width="{pw}" height="{ph}"/></clipPath>')
    svg.rect(px0, py0, pw, ph, "#ffffff", sw=1.5)
    # MC region: above the 70 curve or above 2.60
    k70 = 5.64
    pts = [f"{X(xmin):.1f},{Y(ymax):.1f}", f"{X(xmin):.1f},{Y(2.60):.1f}"]
    p = k70 / 2.60
    pts.append(f"{X(p):.1f},{Y(2.60):.1f}")
    steps = 40
    for i in range(steps + 1):
        pp = p + (xmax - p) * i / steps
        pts.append(f"{X(pp):.1f},{Y(max(ymin, k70 / pp)):.1f}")
    pts += [f"{X(xmax):.1f},{Y(ymax):.1f}"]
    svg.add(f'<polygon points="{" ".join(pts)}" fill="url(#pat-mc)" stroke="none" clip-path="url(#plot-clip)"/>')
    # normal box
    svg.rect(X(0.81), Y(2.60), X(1.45) - X(0.81), Y(2.12) - Y(2.60), "url(#pat-normal)", sw=1.5)
    # grid and ticks
    for i in range(0, 6):
        xv = 0.5 + i * 0.5
        svg.add(f'<line x1="{X(xv):.1f}" y1="{py0 + ph}" x2="{X(xv):.1f}" y2="{py0 + ph + 6}" stroke="{INK}"/>')
        svg.text(X(xv), py0 + ph + 24, f"{xv:.1f}", 14, "middle")
    for i in range(0, 10):
        yv = 1.8 + i * 0.2
        svg.add(f'<line x1="{px0 - 6}" y1="{Y(yv):.1f}" x2="{px0}" y2="{Y(yv):.1f}" stroke="{INK}"/>')
        svg.text(px0 - 10, Y(yv) + 5, f"{yv:.1f}", 14, "end")
    svg.text(px0 + pw / 2, py0 + ph + 50, "Serum phosphate (mmol/L)", 16, "middle", "bold")
    svg.add(
        f'<text x="24" y="{py0 + ph / 2}" font-size="16" font-weight="bold" text-anchor="middle" '
        f'fill="{INK}" transform="rotate(-90 24 {py0 + ph / 2})" style="{FONT}">'
        "Corrected serum calcium (mmol/L)</text>"
    )
    # Ca x P isolines
    for k, dash in [(4.43, "2 4"), (k70, "10 4")]:
        pts = []
        for i in range(81):
            pp = xmin + (xmax - xmin) * i / 80
            c = k / pp
            if ymin <= c <= ymax:
                pts.append(f"{X(pp):.1f},{Y(c):.1f}")
        svg.add(
            f'<polyline points="{" ".join(pts)}" fill="none" stroke="{INK}" stroke-width="2" '
            f'stroke-dasharray="{dash}"/>'
        )
    # hypercalcaemia lines
    for yv in (2.60, 3.0, 3.5):
        svg.add(
            f'<line x1="{px0}" y1="{Y(yv):.1f}" x2="{px0 + pw}" y2="{Y(yv):.1f}" stroke="{INK}" '
            f'stroke-width="1.5" stroke-dasharray="7 5"/>'
        )
    # line and curve labels on white chips, centred on their line
    chips = [
        (1.95, 2.60, "Ca 2.60: hypercalcaemia †"),
        (2.62, 3.0, "Ca 3.0: moderate †"),
        (2.62, 3.5, "Ca 3.5: severe †"),
        (2.12, 4.43 / 2.12, "Ca×P 55 mg²/dL² †"),
        (2.72, k70 / 2.72, "Ca×P 70 mg²/dL² †"),
    ]
    for cxv, cyv, lab in chips:
        w = 7.2 * len(lab) + 12
        svg.rect(X(cxv) - w / 2, Y(cyv) - 11, w, 22, "#ffffff", sw=1, rx=4)
        svg.text(X(cxv), Y(cyv) + 5, lab, 13, "middle")
    # region labels
    svg.rect(X(0.55), Y(3.55), 250, 46, "#ffffff", sw=1)
    svg.lines(X(0.55) + 8, Y(3.55) + 19, ["Metastatic: raised calcium", "and/or phosphate (cross-hatched)"], 14)
    svg.rect(X(0.55), Y(2.02), 196, 46, "#ffffff", sw=1)
    svg.lines(X(0.55) + 8, Y(2.02) + 19, ["Reference box: DC, IC,", "IGC (normal Ca and PO₄)"], 14)

    # cases: (label, phosphate, calcium, marker, label phosphate, label calcium)
    cases = [
        ("V1", 1.05, 2.36, "circle", 0.62, 2.50),
        ("V11", 1.05, 2.31, "x", 0.60, 2.38),
        ("V2", 1.10, 2.28, "circle", 0.62, 2.26),
        ("V6", 1.10, 2.27, "diamond", 1.28, 2.20),
        ("V7", 1.20, 2.46, "triangle", 1.30, 2.50),
        ("V3", 2.45, 2.64, "square", 2.30, 2.78),
        ("V4", 1.70, 3.06, "square", 1.84, 3.14),
        ("V5", 1.95, 2.78, "circle-square", 2.08, 2.86),
        ("V8", 2.10, 2.51, "star", 2.00, 2.36),
    ]
    for lab, pp, cc, m, lp, lc in cases:
        svg.add(
            f'<line x1="{X(pp):.1f}" y1="{Y(cc):.1f}" x2="{X(lp):.1f}" y2="{Y(lc):.1f}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
    for lab, pp, cc, m, lp, lc in cases:
        marker(svg, X(pp), Y(cc), m)
        w = 10 * len(lab) + 8
        svg.rect(X(lp) - w / 2, Y(lc) - 11, w, 22, "#ffffff", sw=1, rx=4)
        svg.text(X(lp), Y(lc) + 5, lab, 14, "middle", "bold")

    # legend
    lx, ly = 680, 70
    svg.rect(lx, ly, 262, 448, "#ffffff", sw=1)
    svg.text(lx + 12, ly + 26, "Teaching cases (Part 5)", 15, weight="bold")
    items = [
        ("circle", "Dystrophic (V1, V2)"),
        ("square", "Metastatic (V3, V4)"),
        ("circle-square", "Overlap DC + MC (V5)"),
        ("diamond", "Idiopathic (V6)"),
        ("triangle", "Iatrogenic (V7)"),
        ("star", "Calciphylaxis (V8)"),
        ("x", "WISN (V11)"),
    ]
    for i, (m, t) in enumerate(items):
        yy = ly + 56 + i * 30
        marker(svg, lx + 24, yy - 5, m)
        svg.text(lx + 44, yy, t, 14)
    yy = ly + 56 + len(items) * 30 + 6
    yy = svg.lines(lx + 12, yy, wrap("Calciphylaxis can occur anywhere on this plane: no laboratory test diagnoses it.", 32), 14)
    yy = svg.lines(lx + 12, yy + 8, wrap("WISN is not defined by calcium or phosphate.", 32), 14)
    svg.lines(lx + 12, yy + 8, wrap("† beyond the source article (thresholds from guidelines; see caption).", 32), 14, italic=True)
    return svg


def marker(svg: Svg, x: float, y: float, kind: str) -> None:
    s = 7
    if kind == "circle":
        svg.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s}" fill="#ffffff" stroke="{INK}" stroke-width="2.2"/>')
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
def hypercalcaemia_causes() -> Svg:
    W, H = 960, 600
    svg = Svg(
        W, H,
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
    svg.text(W / 2, 30, "Four main causes of hypercalcaemia (Kumar et al, 2015)", 20, "middle", "bold")
    causes = [
        ("1  Parathyroid hormone", "Increased secretion of PTH: hyperparathyroidism (benign or malignant tumours)"),
        ("2  Bone resorption", "Primary or secondary tumours of bone or bone marrow, Paget's disease, immobility"),
        ("3  Vitamin D", "Vitamin D-related disorders"),
        ("4  Renal failure", "Renal failure (see the first note †)"),
    ]
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
    svg.add(f'<line x1="{W / 2}" y1="324" x2="{W / 2}" y2="362" stroke="{INK}" stroke-width="2" marker-end="url(#arrow)"/>')
    svg.rect(W / 2 - 230, 364, 460, 104, BOX2, rx=8, sw=2)
    svg.text(W / 2, 390, "Metastatic calcification", 18, "middle", "bold")
    svg.lines(
        W / 2, 414,
        ["Calcium salts precipitate in normal tissues: gastric",
         "mucosa, kidneys, lungs, systemic arteries, pulmonary",
         "veins; skin and subcutaneous tissue"],
        14, anchor="middle",
    )
    # notes
    svg.rect(20, 488, 450, 100, NOTE, rx=6)
    svg.lines(32, 510, ["† Beyond the article: in renal failure", "metastatic calcification is driven mainly by",
                        "raised phosphate (Ca×P); calcium may be", "normal or low (Reiter 2011a; Minars)."], 14)
    svg.rect(490, 488, 450, 100, NOTE, rx=6)
    svg.lines(502, 510, ["† 'Benign or malignant tumours' joins two", "mechanisms: PTH from parathyroid tumours",
                         "and PTH-related protein from other",
                         "cancers (standard pathology account)."], 14)
    return svg


# --------------------------------------------------------------------------- figure 4
def calciphylaxis_vs_wisn() -> Svg:
    rows = [
        ("Setting", "End-stage renal disease, dialysis, renal transplant; also with normal renal and parathyroid function",
         "Warfarin treatment"),
        ("Risk factors", "Obesity, female sex, diabetes, secondary hyperparathyroidism, warfarin",
         "Protein C or S deficiency, large loading doses, no heparin overlap †"),
        ("Onset", "Progressive", "Typically days 3–10 after starting warfarin †; lesions evolve rapidly"),
        ("Early signs", "Purple mottling like livedo reticularis, blood-filled blisters, nodules",
         "Paraesthesia, oedema, mild rash"),
        ("Sites", "Often the lower limbs; trunk and proximal lesions do worse",
         "Fat-rich areas: abdomen, buttocks, thighs, legs, breasts"),
        ("Late picture", "Necrotic violaceous plaques; multiple painful non-healing ulcers; infection",
         "Full-thickness skin necrosis with deep subcutaneous ulcers"),
        ("Biopsy", "Calcified walls of small dermal and subcutaneous arterioles, with thrombosis",
         "Diffuse microthrombi; endothelial damage; red cells outside vessels; no inflammation, no calcium"),
        ("Systemic care", "Parathyroidectomy if hyperparathyroid; revise haemodialysis in kidney disease",
         "Alternative anticoagulation"),
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
        W, H,
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
    svg.text(W / 2, 30, "Calciphylaxis and WISN: alike on the skin, different in the vessels", 20, "middle", "bold")
    cx1, cx2 = lab_w + 20 + col_w / 2, lab_w + 40 + col_w * 1.5
    svg.text(cx1, 66, "Calciphylaxis", 18, "middle", "bold")
    svg.text(cx2, 66, "Warfarin-induced skin necrosis", 18, "middle", "bold")
    # calciphylaxis vessel
    svg.add(f'<circle cx="{cx1}" cy="140" r="52" fill="url(#pat-calcium)" stroke="{INK}" stroke-width="2.5"/>')
    svg.add(f'<circle cx="{cx1}" cy="140" r="22" fill="#fde3e3" stroke="{INK}" stroke-width="2"/>')
    thrombus(svg, cx1, 140, 14)
    svg.text(cx1 + 64, 112, "calcified wall", 14)
    svg.text(cx1 + 64, 145, "narrow lumen", 14)
    svg.text(cx1 + 64, 178, "thrombus", 14)
    svg.text(cx1, 218, "arteriole in dermis or subcutaneous fat", 14, "middle", italic=True)
    # WISN vessels
    for dx, dy, r in [(-90, 120, 22), (-20, 160, 26), (55, 118, 22)]:
        svg.add(f'<circle cx="{cx2 + dx}" cy="{dy}" r="{r}" fill="#f7c9c9" stroke="{INK}" stroke-width="1.5"/>')
        svg.add(f'<circle cx="{cx2 + dx}" cy="{dy}" r="{r * 0.72:.1f}" fill="#fde3e3" stroke="{INK}" stroke-width="1"/>')
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


FIGURES = {
    "skin-cross-section.svg": skin_cross_section,
    "calcium-phosphate-plane.svg": ca_p_plane,
    "hypercalcaemia-causes.svg": hypercalcaemia_causes,
    "calciphylaxis-vs-wisn.svg": calciphylaxis_vs_wisn,
}


def main(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fn in FIGURES.items():
        path = out / name
        path.write_text(fn().render(), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "chapters" / "images"
    for p in main(target):
        print(p)
