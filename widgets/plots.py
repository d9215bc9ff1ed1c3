"""Plotly figures for the book, rendered so that they work offline in the static page and live.

A figure is displayed as a MIME bundle with two representations:
- ``application/vnd.plotly.v1+json`` for JupyterLab / Notebook 7 (plotly's own renderer);
- ``text/html`` for the static book: a div and a ``Plotly.newPlot`` call with a fixed id, no
  plotly.js and no MathJax tag (the book serves plotly.js itself, only on pages that need it).
"""

from __future__ import annotations

import plotly.graph_objects as go
from html import escape

from IPython.display import display


def figure_bundle(fig: go.Figure, div_id: str, caption: str = "") -> dict:
    html = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    if caption:  # a text alternative that screen readers and small screens get first-hand
        html = f'<figure class="plotly-figure">{html}<figcaption>{escape(caption)}</figcaption></figure>'
    return {"application/vnd.plotly.v1+json": fig.to_plotly_json(), "text/html": html}


def show(fig: go.Figure, div_id: str, caption: str = "") -> None:
    """Display ``fig`` in a notebook so that both the live notebook and the static book render it."""
    display(figure_bundle(fig, div_id, caption), raw=True)


class StaticBookPlotlyJson:
    """myst-nb mime plugin (entry point ``myst_nb.mime_renderers``): the plotly JSON beside our
    ``text/html`` is for live notebooks; the static book renders the HTML, so the JSON is
    accepted silently instead of warning "unknown output mime type"."""

    mime_priority_overrides = ()

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == "application/vnd.plotly.v1+json":
            return []
        return None


def _vignette_points() -> list[tuple[dict, float, float, float]]:
    """(preset, corrected calcium mmol/L, phosphate mmol/L, Ca × P mg²/dL²) for every preset
    the clinical model can place on the plane."""
    from . import clinical

    points = []
    for preset in clinical.presets():
        derived = clinical.assess(preset["scenario"]).to_dict()["derived"]
        cca = derived["calcium_for_bands"].get("mmol/L")
        p = derived["values"].get("phosphate", {}).get("mmol/L")
        if cca is not None and p is not None:
            points.append((preset, cca, p, derived["ca_x_p"]["mg2/dL2"]))
    return points


def ca_p_plane() -> go.Figure:
    """The calcium–phosphate plane: each teaching vignette placed by the clinical model
    (corrected calcium against phosphate, SI), with the adult reference box and the Ca × P
    curves of 55 and 70 mg²/dL². Marker shapes, not colour alone, tell the taught answers."""
    from . import clinical

    rules = clinical.rules_json()
    ranges = rules["ranges"]
    fig = go.Figure()
    ca, ph = ranges["calcium"], ranges["phosphate"]
    fig.add_shape(type="rect", x0=ph["low"], x1=ph["high"], y0=ca["low"], y1=ca["high"],
                  line={"color": "#1e3a8a"}, fillcolor="rgba(59,130,246,0.15)", layer="below")
    fig.add_annotation(x=ph["low"], y=ca["high"], text="adult reference ranges", showarrow=False,
                       xanchor="left", yanchor="bottom", font={"size": 11})
    cap = rules["bands"]["cap"]  # the model's own mg/dL factors
    xs = [round(0.5 + i * 0.02, 2) for i in range(126)]
    for mg, dash in ((55, "dash"), (70, "solid")):
        k = mg / (cap["mg_factor_calcium"] * cap["mg_factor_phosphate"])
        fig.add_trace(go.Scatter(x=xs, y=[round(k / x, 3) for x in xs], mode="lines",
                                 name=f"Ca × P = {mg} mg²/dL² ({k:.2f} mmol²/L²)",
                                 line={"dash": dash, "color": "#7f1d1d" if mg == 70 else "#92400e"},
                                 hoverinfo="name"))
    symbols = ["circle", "square", "diamond", "triangle-up", "cross", "x", "star", "hexagon",
               "triangle-down", "pentagon", "hourglass", "bowtie", "circle-open", "square-open"]
    for i, (preset, cca, p, cap_mg) in enumerate(_vignette_points()):
        fig.add_trace(go.Scatter(
            x=[p], y=[cca], mode="markers+text", text=[preset["id"]], textposition="top center",
            name=preset["title"], showlegend=False,
            marker={"size": 11, "symbol": symbols[i % len(symbols)], "color": "#111827"},
            hovertemplate=(f"{preset['title']}<br>phosphate %{{x}} mmol/L<br>corrected calcium %{{y}} mmol/L"
                           f"<br>Ca × P {cap_mg} mg²/dL²<extra></extra>"),
        ))
    fig.update_layout(
        template="simple_white", height=520, margin={"l": 60, "r": 20, "t": 20, "b": 90},
        xaxis={"title": "Phosphate (mmol/L)", "range": [0.5, 3.0]},
        yaxis={"title": "Corrected calcium (mmol/L)", "range": [1.8, 3.4]},
        legend={"font": {"size": 11}, "orientation": "h", "x": 0, "y": -0.18}, font={"color": "#111827"},
    )
    return fig


def ca_p_plane_caption() -> str:
    """What the plane shows, in words: each vignette's corrected calcium, phosphate and Ca × P."""
    parts = [f"{preset['id']} calcium {cca:.2f}, phosphate {p:.2f}, Ca × P {cap_mg:.0f}"
             for preset, cca, p, cap_mg in _vignette_points()]
    return ("The teaching vignettes placed on the calcium–phosphate plane (corrected calcium against "
            "phosphate, mmol/L), with the adult reference box and the Ca × P curves of 55 and 70 mg²/dL². "
            + "; ".join(parts) + ".")
