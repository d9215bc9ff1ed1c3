"""Plotly figures for the book, rendered so that they work offline in the static page and live.

A figure is displayed as a MIME bundle with two representations:
- ``application/vnd.plotly.v1+json`` for JupyterLab / Notebook 7 (plotly's own renderer);
- ``text/html`` for the static book: a div and a ``Plotly.newPlot`` call with a fixed id, no
  plotly.js and no MathJax tag (the book serves plotly.js itself, only on pages that need it).
"""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
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


def ca_p_plane() -> go.Figure:
    """The calcium–phosphate plane: each teaching vignette placed by the clinical model
    (corrected calcium against phosphate, SI), with the adult reference box and the Ca × P
    curves of 55 and 70 mg²/dL². Every number comes from `widgets.clinical.ca_p_plane()`.
    Marker shapes, not colour alone, tell the taught answers."""
    from .clinical import ca_p_plane as plane_data

    plane = plane_data()
    x, y, box = plane["x"], plane["y"], plane["reference_box"]
    fig = go.Figure()
    fig.add_shape(
        type="rect",
        x0=box["x"][0],
        x1=box["x"][1],
        y0=box["y"][0],
        y1=box["y"][1],
        line={"color": "#1e3a8a"},
        fillcolor="rgba(59,130,246,0.15)",
        layer="below",
    )

    # Points inside the reference box sit too close to label one by one (on a phone ten labels
    # piled up): they are named together in the empty lower-left corner instead.
    def inside(v):
        return box["x"][0] <= v["phosphate"] <= box["x"][1] and box["y"][0] <= v["calcium"] <= box["y"][1]

    boxed = [v["id"] for v in plane["vignettes"] if inside(v)]
    rows = [", ".join(boxed[i : i + 5]) for i in range(0, len(boxed), 5)]
    fig.add_annotation(
        x=x["min"],
        y=y["min"],
        xref="x",
        yref="y",
        text="<br>".join(
            ["Shaded: adult reference ranges", *(["In it: " + rows[0], *rows[1:]] if rows else [])]
        ),
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        align="left",
        xshift=4,
        yshift=4,
        font={"size": 11},
    )
    styles = [("dash", "#92400e"), ("solid", "#7f1d1d")]
    for curve, (dash, colour) in zip(plane["curves"], styles):
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in curve["points"]],
                y=[p[1] for p in curve["points"]],
                mode="lines",
                name=f"Ca × P = {curve['mg2_dl2']} mg²/dL² ({curve['mmol2_l2']:.2f} mmol²/L²)",
                line={"dash": dash, "color": colour},
                hoverinfo="name",
            )
        )
    symbols = [
        "circle",
        "square",
        "diamond",
        "triangle-up",
        "cross",
        "x",
        "star",
        "hexagon",
        "triangle-down",
        "pentagon",
        "hourglass",
        "bowtie",
        "circle-open",
        "square-open",
    ]
    for i, v in enumerate(plane["vignettes"]):
        fig.add_trace(
            go.Scatter(
                x=[v["phosphate"]],
                y=[v["calcium"]],
                mode="markers" if inside(v) else "markers+text",
                text=[v["id"]],
                textposition="top center",
                name=v["title"],
                showlegend=False,
                marker={"size": 11, "symbol": symbols[i % len(symbols)], "color": "#111827"},
                hovertemplate=(
                    f"{v['title']}<br>phosphate %{{x}} mmol/L<br>corrected calcium %{{y}} mmol/L"
                    f"<br>Ca × P {v['ca_x_p_mg2_dl2']} mg²/dL²<extra></extra>"
                ),
            )
        )
    fig.update_layout(
        template="simple_white",
        height=520,
        margin={"l": 60, "r": 20, "t": 44, "b": 90},  # the toolbar sits above the plot, not on it
        xaxis={
            "title": f"{x['label']} ({x['unit']})",
            "range": [x["min"], x["max"]],
            "dtick": x["tick_step"],
        },
        yaxis={
            "title": f"{y['label']} ({y['unit']})",
            "range": [y["min"], y["max"]],
            "dtick": y["tick_step"],
        },
        legend={"font": {"size": 11}, "orientation": "h", "x": 0, "y": -0.18},
        font={"color": "#111827"},
    )
    return fig


def ca_p_plane_caption() -> str:
    """What the plane shows, in words: each vignette's corrected calcium, phosphate and Ca × P."""
    from .clinical import ca_p_plane as plane_data

    plane = plane_data()
    parts = [
        f"{v['id']} calcium {v['calcium']:.2f}, phosphate {v['phosphate']:.2f}, "
        f"Ca × P {v['ca_x_p_mg2_dl2']:.0f}"
        for v in plane["vignettes"]
    ]
    lines = " and ".join(str(c["mg2_dl2"]) for c in plane["curves"])
    return (
        "The teaching vignettes placed on the calcium–phosphate plane (corrected calcium against "
        f"phosphate, mmol/L), with the adult reference box and the Ca × P curves of {lines} mg²/dL². "
        + "; ".join(parts)
        + "."
    )
