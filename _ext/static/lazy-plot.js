// Plotly figures drawn once they near the viewport (issue 19: plotly-basic is 1 MB; loaded in
// <head> it blocked the first paint of its page for tens of seconds on a slow connection).
// _ext/offline.py wraps each figure's inline Plotly.newPlot call in window.coursePlot(draw,
// id), which queues it; this deferred script loads plotly.js once, when the first queued
// figure comes within a screen of the viewport, and then draws it.
(() => {
  const PLOTLY = new URL("vendor/plotly/plotly-basic.min.js", document.currentScript.src).href;
  let plotly;
  const loadPlotly = () => {
    plotly ??= new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement("script"), { src: PLOTLY });
      script.onload = resolve;
      script.onerror = () => reject(new Error("plotly.js did not load"));
      document.head.append(script);
    });
    return plotly;
  };
  const draw = ([drawFigure, id]) => {
    const div = document.getElementById(id);
    loadPlotly().then(drawFigure, () => {
      if (div) div.textContent = "The figure could not load; its caption below gives every value.";
    });
  };
  const queued = window.__coursePlots ?? [];
  window.coursePlot = (drawFigure, id) => observe([drawFigure, id]);
  const observer =
    "IntersectionObserver" in window
      ? new IntersectionObserver(
          (entries) => {
            for (const entry of entries) {
              if (!entry.isIntersecting) continue;
              observer.unobserve(entry.target);
              entry.target.__drawn = true;
              draw(entry.target.__coursePlot);
            }
          },
          { rootMargin: "100% 0px" },
        )
      : null;
  function observe(item) {
    const div = document.getElementById(item[1]);
    if (!observer || !div || matchMedia("print").matches) return draw(item);
    div.__coursePlot = item;
    observer.observe(div);
  }
  for (const item of queued) observe(item);
  // printing draws every figure that has not been drawn yet
  window.addEventListener("beforeprint", () => {
    for (const div of document.querySelectorAll(".plotly-graph-div")) {
      if (div.__coursePlot && !div.__drawn) {
        div.__drawn = true;
        observer?.unobserve(div);
        draw(div.__coursePlot);
      }
    }
  });
})();
