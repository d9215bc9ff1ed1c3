"""Plotly figures for the book, rendered so that they work offline in the static page and live.

A figure is displayed as a MIME bundle with two representations:
- ``application/vnd.plotly.v1+json`` for JupyterLab / Notebook 7 (plotly's own renderer);
- ``text/html`` for the static book: a div and a ``Plotly.newPlot`` call with a fixed id, no
  plotly.js and no MathJax tag (the book serves plotly.js itself, only on pages that need it).
"""

from __future__ import annotations

import plotly.graph_objects as go
from IPython.display import display


def figure_bundle(fig: go.Figure, div_id: str) -> dict:
    html = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    return {"application/vnd.plotly.v1+json": fig.to_plotly_json(), "text/html": html}


def show(fig: go.Figure, div_id: str) -> None:
    """Display ``fig`` in a notebook so that both the live notebook and the static book render it."""
    display(figure_bundle(fig, div_id), raw=True)


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
