// The calcium–phosphate scenario explorer: the front-end of widgets.Explorer. It computes
// with clinical.js, the browser evaluator on the same rules data that the Python model is
// proven equal to (tests/test_parity.py). It renders and computes in the page, in the static
// book (no kernel) and in JupyterLab alike; with a kernel, the scenario and units it edits are
// synced to Python (explorer.scenario, explorer.assessment). scripts/bundle.py bundles the two
// into widgets/static/dist/explorer.js, the module anywidget and the site load.
//
// Two modes: "open" shows the ranking as you type; "practice" names presets neutrally and
// shows the ranking only after the learner has committed an answer (model trait `answer`).
import { assess, convert, ValidationError } from "./clinical.js";
import { citeLinks, h } from "./dom.js";

const LABS = ["calcium", "albumin", "phosphate", "pth", "vitamin_d", "egfr"];
const UNITS = {
  SI: {
    calcium: "mmol/L",
    albumin: "g/L",
    phosphate: "mmol/L",
    pth: "pmol/L",
    vitamin_d: "nmol/L",
    egfr: "mL/min/1.73m2",
  },
  conventional: {
    calcium: "mg/dL",
    albumin: "g/dL",
    phosphate: "mg/dL",
    pth: "pg/mL",
    vitamin_d: "ng/mL",
    egfr: "mL/min/1.73m2",
  },
};
const WARFARIN_DAYS = "warfarin_days";
const SECTIONS = [
  ["history", "history"],
  ["finding", "findings"],
  ["histology", "histology"],
];
const WARFARIN_LABEL = "Days since warfarin was started";
let counter = 0;

// Units typeset one way everywhere, also inside the model's texts ("mg2/dL2" -> "mg²/dL²").
const UNIT_TEXT = [
  [/mL\/min\/1\.73 ?m2\b/g, "mL/min/1.73 m²"],
  [/mmol2\/L2\b/g, "mmol²/L²"],
  [/mg2\/dL2\b/g, "mg²/dL²"],
];
export function typeset(text) {
  let out = String(text ?? "");
  for (const [re, sub] of UNIT_TEXT) out = out.replace(re, sub);
  return out;
}

// A field's text -> {missing} | {value} | {error}. A comma is a decimal mark only when it
// cannot be a thousands separator: "2,1" is 2.1, but "1,250" is asked about, not guessed.
export function parseNumber(text, example) {
  let t = String(text).trim();
  if (t === "") return { missing: true };
  if (/^[+-]?\d{1,3}(,\d{3})+$/.test(t)) {
    const plain = t.replace(/,/g, "");
    const decimal = t.replace(",", ".");
    return {
      error: `“${t}”: did you mean ${plain} or ${decimal}? Type it without the comma, or with a point.`,
      ask: true,
    };
  }
  if ((t.match(/,/g) ?? []).length === 1 && !t.includes(".")) t = t.replace(",", ".");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { error: `enter a number, e.g. ${example}` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { error: `enter a number, e.g. ${example}` };
  return { value };
}

// Write text only when it differs: an unchanged write still costs a relayout, and an
// aria-live region would announce it again.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function fixed(value, decimals) {
  return value == null || Number.isNaN(value) ? "" : Number(value).toFixed(decimals);
}

// The Ca–P plane: corrected calcium (y) against phosphate (x), the reference box and the
// Ca × P lines, drawn in SI and labelled in the chosen units. The background is drawn once per
// unit system; only the patient's point moves as the learner types.
function planeGeometry(rules) {
  const spec = rules.plots?.ca_p_plane;
  const x = spec?.x ?? { min: 0.4, max: 3.0, tick_step: 0.5 };
  const y = spec?.y ?? { min: 1.6, max: 3.8, tick_step: 0.4 };
  const W = 360,
    H = 260,
    L = 52,
    R = 12,
    T = 12,
    B = 40;
  return {
    W,
    H,
    L,
    R,
    T,
    B,
    x,
    y,
    step: spec?.curve_step ?? 0.02,
    sx: (p) => L + ((p - x.min) / (x.max - x.min)) * (W - L - R),
    sy: (c) => H - B - ((c - y.min) / (y.max - y.min)) * (H - T - B),
  };
}

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text != null) n.textContent = text;
  return n;
}

function capLines(rules) {
  const lines = rules.bands.cap.lines;
  if (lines) return Object.values(lines).map((l) => l.mg2_dl2);
  return [55, 70];
}

function planeBackground(rules, units) {
  const g = planeGeometry(rules);
  const { W, H, L, R, T, B, sx, sy, x, y } = g;
  const cap = rules.bands.cap;
  const conv = units === "SI" ? { ca: 1, p: 1 } : { ca: cap.mg_factor_calcium, p: cap.mg_factor_phosphate };
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "cx-plane", role: "img" });
  const ca = rules.ranges.calcium,
    ph = rules.ranges.phosphate;
  svg.append(
    s("rect", {
      x: sx(ph.low),
      y: sy(ca.high),
      width: sx(ph.high) - sx(ph.low),
      height: sy(ca.low) - sy(ca.high),
      class: "cx-refbox",
    }),
  );
  svg.append(s("text", { x: sx(ph.low) + 4, y: sy(ca.low) - 5, class: "cx-small" }, "reference"));
  capLines(rules).forEach((mg, i) => {
    const k = mg / (cap.mg_factor_calcium * cap.mg_factor_phosphate);
    const pts = [];
    for (let p = Math.max(x.min, k / y.max); p <= x.max + 1e-9; p += g.step)
      pts.push(`${sx(p).toFixed(1)},${sy(k / p).toFixed(1)}`);
    svg.append(s("polyline", { points: pts.join(" "), class: i === 0 ? "cx-iso55" : "cx-iso70" }));
    svg.append(
      s(
        "text",
        // at the top, where each line enters the plot: the first left of it, the next right
        {
          x: sx(Math.max(x.min, k / y.max)) + (i % 2 ? 5 : -5),
          y: T + 12,
          "text-anchor": i % 2 ? "start" : "end",
          class: "cx-small",
        },
        `${mg} mg²/dL²`,
      ),
    );
  });
  svg.append(s("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "cx-axis" }));
  svg.append(s("line", { x1: L, y1: T, x2: L, y2: H - B, class: "cx-axis" }));
  const first = (axis) => Math.ceil(axis.min / axis.tick_step - 1e-9) * axis.tick_step;
  for (let p = first(x); p <= x.max + 1e-9; p += x.tick_step) {
    svg.append(
      s(
        "text",
        { x: sx(p), y: H - B + 14, "text-anchor": "middle", class: "cx-small" },
        fixed(p * conv.p, 1),
      ),
    );
  }
  for (let c = first(y); c <= y.max + 1e-9; c += y.tick_step) {
    svg.append(
      s("text", { x: L - 6, y: sy(c) + 4, "text-anchor": "end", class: "cx-small" }, fixed(c * conv.ca, 1)),
    );
  }
  const unit = units === "SI" ? "mmol/L" : "mg/dL";
  svg.append(
    s(
      "text",
      { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "cx-small" },
      `Phosphate (${unit})`,
    ),
  );
  svg.append(
    s(
      "text",
      {
        x: 12,
        y: (T + H - B) / 2,
        "text-anchor": "middle",
        transform: `rotate(-90 12 ${(T + H - B) / 2})`,
        class: "cx-small",
      },
      `Corrected calcium (${unit})`,
    ),
  );
  const point = s("g", { class: "cx-point-group" });
  svg.append(point);
  return { svg, point, g };
}

// The patient's point; off the scale it sits at the edge as an arrow pointing outwards, with
// its label kept inside the plot.
function drawPoint(plane, cca, p, units, rules) {
  const { point, g } = plane;
  point.replaceChildren();
  if (cca == null || p == null) return "The patient's point is not shown: calcium or phosphate is missing.";
  const cx = Math.min(Math.max(p, g.x.min), g.x.max),
    cy = Math.min(Math.max(cca, g.y.min), g.y.max);
  const px = g.sx(cx),
    py = g.sy(cy);
  const off = [
    p > g.x.max ? "right" : p < g.x.min ? "left" : null,
    cca > g.y.max ? "up" : cca < g.y.min ? "down" : null,
  ].filter(Boolean);
  if (off.length) {
    const dx = off.includes("right") ? 1 : off.includes("left") ? -1 : 0;
    const dy = off.includes("up") ? -1 : off.includes("down") ? 1 : 0;
    const tip = [px + dx * 8, py + dy * 8],
      base = [px - dx * 4, py - dy * 4];
    const nx = -dy,
      ny = dx; // perpendicular
    point.append(
      s("polygon", {
        class: "cx-point cx-offscale",
        points: `${tip.join(",")} ${base[0] + nx * 7},${base[1] + ny * 7} ${base[0] - nx * 7},${base[1] - ny * 7}`,
      }),
    );
  } else {
    point.append(s("circle", { cx: px, cy: py, r: 6, class: "cx-point" }));
  }
  const label = off.length ? "patient (off scale)" : "patient";
  const right = px > g.W - g.R - 110;
  const below = py < g.T + 20;
  point.append(
    s(
      "text",
      {
        x: right ? px - 10 : px + 10,
        y: below ? py + 18 : py - 9,
        "text-anchor": right ? "end" : "start",
        class: "cx-small cx-strong",
      },
      label,
    ),
  );
  const cap = rules.bands.cap;
  const f = units === "SI" ? [1, 1, "mmol/L"] : [cap.mg_factor_calcium, cap.mg_factor_phosphate, "mg/dL"];
  return `The patient's point: phosphate ${fixed(p * f[1], 2)} ${f[2]}, corrected calcium ${fixed(cca * f[0], 2)} ${f[2]}${off.length ? ", off the scale" : ""}.`;
}

function render({ model, el }) {
  const rules = JSON.parse(model.get("rules_json"));
  const uid = `cx${++counter}`;
  const vocab = rules.vocabulary.items;
  const practice = model.get("mode") === "practice";
  const presets = practice ? rules.presets.filter((p) => p.case) : rules.presets;
  const presetName = (p) => (practice ? p.case : p.title);
  let units = model.get("units") === "conventional" ? "conventional" : "SI";
  let lastSent = "";
  let revealed = false;
  let current = null; // the last assessment shown as current
  let lastField = null; // the field the learner last edited or focused, echoed in the bar

  // The skip link and its target frame the explorer for keyboard users (57 links otherwise).
  const skip = h("a", { class: "cx-skip", href: `#${uid}-end`, text: "Skip past the explorer" });
  const end = h("span", { id: `${uid}-end`, class: "cx-end", tabindex: "-1" });
  const root = h("div", {
    class: `cx-explorer${practice ? " cx-practice" : ""}`,
    role: "group",
    "aria-label": "Calcium–phosphate scenario explorer",
  });
  root.append(
    h("p", {
      class: "cx-title",
      text: practice ? "Case explorer: practise before you look" : "Calcium–phosphate scenario explorer",
    }),
    h("p", {
      class: "cx-edu",
      text: `${rules.education_note} It says what a picture is consistent with, never a diagnosis.`,
    }),
  );

  // Preset (or case) and unit system.
  const presetSelect = h(
    "select",
    { id: `${uid}-preset`, name: "preset", class: "cx-preset" },
    h("option", { value: "", text: practice ? "Your own values" : "Your own scenario" }),
    ...presets.map((p) => h("option", { value: p.id, text: presetName(p) })),
  );
  const unitBox = h(
    "fieldset",
    { class: "cx-units" },
    h("legend", { text: "Units" }),
    ...["SI", "conventional"].map((u) =>
      h(
        "label",
        {},
        h("input", { type: "radio", name: `${uid}-units`, value: u, checked: u === units }),
        u === "SI" ? "SI (mmol/L)" : "Conventional (mg/dL)",
      ),
    ),
  );
  root.append(
    h(
      "div",
      { class: "cx-controls" },
      h(
        "div",
        { class: "cx-preset-box" },
        h("label", { for: presetSelect.id, text: practice ? "Case" : "Preset" }),
        presetSelect,
      ),
      unitBox,
    ),
  );

  const layout = h("div", { class: "cx-layout" });
  const inputs = h("div", { class: "cx-inputs" });
  const output = h("div", { class: "cx-output" });
  layout.append(inputs, output);
  root.append(layout);

  // Laboratory values. Each field remembers the text the learner (or a preset) gave and its
  // unit: a unit switch shows a conversion but keeps that origin, so switching back gives
  // the value entered, and the evaluator always reads the exact entry.
  const fields = {};
  const labs = h(
    "fieldset",
    { class: "cx-labs" },
    h("legend", { text: "Laboratory values (leave empty if not measured)" }),
  );
  const healthy = rules.presets.find((p) => p.id === "healthy")?.scenario?.labs ?? {};
  for (const name of LABS) {
    const id = `${uid}-${name}`;
    const input = h("input", {
      id,
      name,
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "aria-describedby": `${id}-unit ${id}-err`,
    });
    const unit = h("span", { id: `${id}-unit`, class: "cx-unit" });
    const error = h("span", { id: `${id}-err`, class: "cx-error" });
    fields[name] = {
      name,
      input,
      unit,
      error,
      origin: { text: "", unit: UNITS[units][name] },
      label: rules.units.analytes[name].label,
      healthy: healthy[name],
    };
    labs.append(
      h(
        "div",
        { class: "cx-field" },
        h("label", { for: id, text: rules.units.analytes[name].label }),
        h("span", { class: "cx-entry" }, input, unit),
        error,
      ),
    );
  }
  // History, findings and histology are three-valued where the model reads absence (issue 9):
  // present, examined and absent, or not recorded (never evidence). Older rules: present or not.
  const threeValued = rules.verdicts.some((v) => "requires" in v);
  const toggles = {};
  const tri = (group, item) => {
    const id = `${uid}-${group}-${item.id}`;
    const select = h(
      "select",
      { id, class: "cx-tri", name: `${group}.${item.id}`, title: item.definition },
      h("option", { value: "", text: "not recorded" }),
      h("option", { value: "yes", text: "present" }),
      threeValued ? h("option", { value: "no", text: "examined: absent" }) : null,
    );
    toggles[`${group}.${item.id}`] = select;
    return h("div", { class: "cx-check" }, h("label", { for: id, text: item.label }), select);
  };
  const dialysis = vocab.find((i) => i.id === "dialysis");
  const dialysisRow = tri("history", dialysis);
  dialysisRow.classList.add("cx-dialysis");
  labs.append(dialysisRow);
  inputs.append(labs);

  // History, findings, histology, a tap away.
  const groupBox = (group, title) => {
    const box = h("fieldset", { class: "cx-toggles" }, h("legend", { text: title }));
    for (const item of vocab.filter((i) => i.group === group)) {
      if (group === "history" && item.id === "dialysis") continue; // beside eGFR
      box.append(tri(group, item));
    }
    return box;
  };
  const warfarinDays = h("input", {
    id: `${uid}-warfarin-days`,
    type: "text",
    inputmode: "numeric",
    name: WARFARIN_DAYS,
    autocomplete: "off",
    "aria-describedby": `${uid}-warfarin-days-err`,
  });
  const warfarinError = h("span", { id: `${uid}-warfarin-days-err`, class: "cx-error" });
  fields[WARFARIN_DAYS] = {
    name: WARFARIN_DAYS,
    input: warfarinDays,
    error: warfarinError,
    label: WARFARIN_LABEL,
  };
  const history = groupBox("history", "History");
  history.append(
    h(
      "div",
      { class: "cx-field" },
      h("label", { for: warfarinDays.id, text: WARFARIN_LABEL }),
      warfarinDays,
      warfarinError,
    ),
  );
  const findingsSummary = h("span", { class: "cx-count" });
  const details = h(
    "details",
    { class: "cx-details cx-findings" },
    h("summary", {}, "History, findings and histology ", findingsSummary),
    history,
    groupBox("finding", "Findings"),
    groupBox("histology", "Histology (biopsy)"),
  );
  inputs.append(details);

  // The result bar: on a phone it stays in view while typing (sticky), with the value being
  // edited and the headline (or, in practice, a prompt to answer first).
  const barField = h("span", { class: "cx-bar-field" });
  const status = h("span", { class: "cx-bar-status", role: "status", "aria-live": "polite" });
  const bar = h("div", { class: "cx-bar" }, barField, status);
  layout.prepend(bar);

  // Practice: the learner commits an answer before the ranking is shown.
  let answerBox = null,
    answerSelect = null,
    feedback = null;
  if (practice) {
    answerSelect = h(
      "select",
      { id: `${uid}-answer`, class: "cx-answer" },
      h("option", { value: "", text: "Choose your answer…" }),
      h(
        "optgroup",
        { label: "Calcification and skin necrosis" },
        ...rules.conditions.map((c) => h("option", { value: c.id, text: c.name })),
      ),
      h(
        "optgroup",
        { label: "Look-alikes" },
        ...rules.lookalikes.map((l) => h("option", { value: l.id, text: l.name })),
      ),
      h("option", { value: "unsure", text: "I am not sure: show me" }),
    );
    const commit = h("button", { type: "button", class: "cx-commit", text: "Check my answer" });
    feedback = h("p", { class: "cx-feedback", role: "status", "aria-live": "polite" });
    answerBox = h(
      "div",
      { class: "cx-answer-box" },
      h("label", { for: answerSelect.id, text: "What is this picture most consistent with?" }),
      h("span", { class: "cx-answer-row" }, answerSelect, commit),
      feedback,
    );
    output.append(answerBox);
    commit.addEventListener("click", () => commitAnswer());
  }

  // Derived values: rows built once, cells updated.
  const derivedRows = {};
  const derivedBody = h("tbody");
  for (const [key, label] of [
    ["calcium", "Corrected calcium"],
    ["phosphate", "Phosphate"],
    ["cap", "Ca × P"],
    ["gfr", "Kidney function"],
    ["pth", "PTH"],
  ]) {
    const result = h("span", { class: "cx-result" }),
      band = h("span", { class: "cx-band" });
    derivedRows[key] = { result, band };
    derivedBody.append(h("tr", {}, h("th", { scope: "row", text: label }), h("td", {}, result, band)));
  }
  const caveats = h("ul", { class: "cx-caveats" });
  const caveatsBox = h(
    "details",
    { class: "cx-more cx-caveats-box" },
    h("summary", { text: "About the albumin correction" }),
    caveats,
  );
  const derived = h(
    "div",
    { class: "cx-derived-box" },
    h(
      "table",
      { class: "cx-derived" },
      h("caption", { text: "Derived values" }),
      h(
        "thead",
        {},
        h("tr", {}, ...["Value", "Result and band"].map((t) => h("th", { scope: "col", text: t }))),
      ),
      derivedBody,
    ),
    caveatsBox,
  );

  const planeBox = h("div", { class: "cx-plane-box" });
  const planeCaption = h("figcaption", {
    text: `Corrected calcium against phosphate. Box: adult reference ranges. Lines: Ca × P of ${capLines(rules).join(" and ")} mg²/dL².`,
  });
  const figure = h("figure", { class: "cx-figure" }, planeBox, planeCaption);
  const planeDetails = h(
    "details",
    { class: "cx-details cx-plane-details" },
    h("summary", { text: "Calcium–phosphate plane" }),
    figure,
  );
  let plane = null;

  const stale = h("p", { class: "cx-stale-note", role: "alert" });
  const results = h("div", { class: "cx-results" });
  const ranking = h("div", { class: "cx-ranking" });
  const warnings = h("ul", { class: "cx-warnings", "aria-label": "Warnings" });
  output.append(stale, results);
  results.append(warnings, derived, planeDetails, ranking);
  let rangesBox = null;

  root.append(h("p", { class: "cx-edu", text: rules.education_note }));
  const print = h("div", { class: "cx-print" });
  root.append(print);
  el.append(skip, root, end);
  skip.addEventListener("click", (event) => {
    event.preventDefault();
    end.focus();
  });
  // On a wide screen the plane is open beside the inputs; on a phone it is a tap away.
  if (window.matchMedia?.("(min-width: 60em)").matches) planeDetails.open = true;

  // ---- links to the references page, with author-year labels
  const refLinks = (keys) =>
    citeLinks(keys, {
      labels: model.get("ref_labels") ?? {},
      base: model.get("bibliography_url"),
      cls: "cx-refs",
    });

  // ---- fields
  function example(f) {
    if (f.name === WARFARIN_DAYS) return "4";
    const unit = UNITS[units][f.name];
    const decimals = rules.units.analytes[f.name].units[unit]?.decimals ?? 2;
    if (!f.healthy) return fixed(1, decimals);
    try {
      const v =
        f.healthy.unit === unit
          ? f.healthy.value
          : convert(rules, f.healthy.value, f.healthy.unit, unit, f.name);
      return fixed(v, decimals);
    } catch {
      return String(f.healthy.value);
    }
  }

  function shown(f) {
    // the text a lab field shows in the current units
    const target = UNITS[units][f.name];
    if (f.origin.unit === target || f.origin.text.trim() === "") return f.origin.text;
    const parsed = parseNumber(f.origin.text, "");
    if (parsed.error) return f.origin.text; // invalid text is kept, with its message
    const decimals = rules.units.analytes[f.name].units[target]?.decimals ?? 2;
    try {
      return fixed(convert(rules, parsed.value, f.origin.unit, target, f.name), decimals);
    } catch {
      return f.origin.text;
    }
  }

  // A stored value as text: padded to the unit's usual decimals (2.1 -> "2.10"), never rounded.
  function valueText(value, name, unit) {
    const text = String(value);
    const decimals = rules.units.analytes[name].units[unit]?.decimals;
    const have = (text.split(".")[1] ?? "").length;
    return decimals != null && have < decimals && /^-?\d+(\.\d*)?$/.test(text)
      ? Number(value).toFixed(decimals)
      : text;
  }

  function setLabUnits() {
    for (const name of LABS) {
      const f = fields[name];
      f.unit.textContent = typeset(UNITS[units][name]);
      f.input.value = shown(f);
    }
  }

  function fillInputs(scenario) {
    const labsIn = scenario.labs ?? {};
    for (const name of LABS) {
      const lab = labsIn[name];
      fields[name].origin =
        lab && lab.value != null
          ? { text: valueText(lab.value, name, lab.unit), unit: lab.unit }
          : { text: "", unit: UNITS[units][name] };
    }
    setLabUnits();
    const states = new Map();
    const record = (group, id, v) => {
      if (v === false) states.set(`${group}.${id}`, "no");
      else if (v != null) states.set(`${group}.${id}`, "yes");
    };
    for (const [group, key] of SECTIONS) {
      const items = scenario[key] ?? [];
      if (Array.isArray(items)) {
        for (const item of items) {
          if (typeof item === "string") record(group, item, true);
          else if (item && typeof item === "object")
            for (const [id, v] of Object.entries(item)) record(group, id, v);
        }
      } else for (const [id, v] of Object.entries(items)) record(group, id, v);
    }
    for (const [key, select] of Object.entries(toggles)) select.value = states.get(key) ?? "";
    const hist = scenario.history;
    const days = hist && !Array.isArray(hist) ? hist.warfarin?.days : null;
    warfarinDays.value = days == null ? "" : String(days);
  }

  // Read the form into a scenario. Text that is not a number is reported here; ranges and
  // impossible values come back from the evaluator.
  function readScenario() {
    const errors = {};
    const labsOut = {};
    for (const name of LABS) {
      const f = fields[name];
      const parsed = parseNumber(f.origin.text, example(f));
      if (parsed.error) errors[name] = `${f.label}: ${parsed.error}`;
      else if (!parsed.missing) labsOut[name] = { value: parsed.value, unit: f.origin.unit };
    }
    const historyOut = {};
    for (const [key, select] of Object.entries(toggles)) {
      if (!key.startsWith("history.") || !select.value) continue;
      historyOut[key.slice(8)] = select.value === "yes" ? {} : false;
    }
    if (historyOut.warfarin && select("history.warfarin") === "yes") {
      const parsed = parseNumber(warfarinDays.value, "4");
      if (parsed.error) errors[WARFARIN_DAYS] = `${WARFARIN_LABEL}: ${parsed.error}`;
      else if (!parsed.missing) historyOut.warfarin = { days: parsed.value };
    }
    // present items as ids, examined-and-absent ones as {id: false}
    const pick = (group) =>
      Object.entries(toggles)
        .filter(([k, i]) => i.value && k.startsWith(`${group}.`))
        .map(([k, i]) =>
          i.value === "yes" ? k.slice(group.length + 1) : { [k.slice(group.length + 1)]: false },
        );
    const base = model.get("scenario") ?? {};
    return {
      scenario: {
        patient: base.patient ?? {},
        labs: labsOut,
        history: historyOut,
        findings: pick("finding"),
        histology: pick("histology"),
      },
      errors,
    };
  }

  function select(key) {
    return toggles[key]?.value ?? "";
  }

  function fieldOf(path) {
    for (const name of LABS) if (path.includes(name)) return name;
    if (path.includes("warfarin")) return WARFARIN_DAYS;
    return null;
  }

  function showErrors(errors) {
    for (const [name, f] of Object.entries(fields)) {
      const text = errors[name] ?? "";
      if (f.error.textContent !== text) f.error.textContent = text;
      if (text) f.input.setAttribute("aria-invalid", "true");
      else f.input.removeAttribute("aria-invalid");
    }
  }

  // ---- results
  function unitOf(key) {
    return UNITS[units][key];
  }

  function showDerived(d) {
    const dec = (analyte, unit) => rules.units.analytes[analyte].units[unit]?.decimals ?? 2;
    const val = (obj, unit, decimals) =>
      obj && obj[unit] != null ? `${fixed(obj[unit], decimals)} ${typeset(unit)}` : "not available";
    const capUnit = units === "SI" ? "mmol2/L2" : "mg2/dL2";
    const rows = {
      calcium: [
        val(d.corrected_calcium, unitOf("calcium"), dec("calcium", unitOf("calcium"))),
        d.bands?.calcium?.label,
      ],
      phosphate: [
        val(d.values?.phosphate, unitOf("phosphate"), dec("phosphate", unitOf("phosphate"))),
        d.bands?.phosphate?.label,
      ],
      cap: [
        val(d.ca_x_p, capUnit, units === "SI" ? rules.bands.cap.decimals_mmol : rules.bands.cap.decimals_mg),
        d.bands?.ca_x_p?.label,
      ],
      gfr: [d.gfr_category ?? "not available", d.bands?.gfr?.label],
      pth: [
        d.pth_x_uln != null ? `${d.pth_x_uln} × upper limit` : "not available",
        d.bands?.pth_multiple?.label,
      ],
    };
    for (const [key, [result, band]] of Object.entries(rows)) {
      const r = derivedRows[key];
      const b = typeset(band ?? "");
      if (r.result.textContent !== result) r.result.textContent = result;
      if (r.band.textContent !== b) r.band.textContent = b;
    }
    const cav = d.corrected_calcium?.caveats ?? [];
    const key = cav.join("|");
    if (caveats.dataset.key !== key) {
      caveats.dataset.key = key;
      caveats.replaceChildren(...cav.map((c) => h("li", { text: c })));
      caveatsBox.hidden = !cav.length;
    }
    if (!plane || plane.units !== units) {
      plane = { ...planeBackground(rules, units), units };
      planeBox.replaceChildren(plane.svg);
    }
    const description = drawPoint(
      plane,
      d.calcium_for_bands?.["mmol/L"],
      d.values?.phosphate?.["mmol/L"],
      units,
      rules,
    );
    plane.svg.setAttribute(
      "aria-label",
      `Calcium–phosphate plane with the reference box and the Ca × P ${capLines(rules).join(" and ")} mg²/dL² lines. ${description}`,
    );
  }

  // The model splits each item's reasons: evidence for, evidence against, and notes.
  function evidence(item) {
    return {
      for: item.evidence_for,
      against: item.evidence_against,
      note: item.reasons.filter((r) => r.direction === "note"),
    };
  }

  function reasonList(title, list, cls) {
    if (!list.length) return null;
    return h(
      "div",
      { class: `cx-evidence ${cls}` },
      h("p", { class: "cx-ev-title", text: title }),
      h(
        "ul",
        { class: "cx-reasons" },
        ...list.map((r) =>
          h(
            "li",
            {},
            typeset(r.text),
            refLinks(r.cite),
            r.beyond ? h("span", { class: "cx-beyond", text: " (beyond the article)" }) : null,
          ),
        ),
      ),
    );
  }

  const legendLine = (a) => typeset(a.legend.replace(/^Levels:\s*/, ""));

  function showRanking(a) {
    const key = JSON.stringify([a.headline, a.conditions, a.lookalikes, a.not_judged, units]);
    if (ranking.dataset.key === key && ranking.childElementCount) return;
    ranking.dataset.key = key;
    const headline = a.headline;
    const parts = [h("p", { class: "cx-summary" }, h("strong", { text: typeset(headline.text) }))];
    if (headline.separates)
      parts.push(
        h(
          "p",
          { class: "cx-separates" },
          h("strong", { text: "What separates them: " }),
          typeset(headline.separates),
        ),
      );
    if (headline.missing.length)
      parts.push(
        h("p", { class: "cx-missing" }, h("strong", { text: "Missing data: " }), headline.missing.join("; ")),
      );
    const list = h("ol", { class: "cx-conditions", "aria-label": "Conditions, most consistent first" });
    a.conditions.forEach((c, i) => {
      const ev = evidence(c);
      const item = h("li", { class: `cx-condition cx-${c.verdict}`, "data-id": c.id });
      const head = () => [
        h("span", { class: "cx-verdict", text: c.verdict_label }),
        " ",
        h("strong", { class: "cx-name", text: c.name }),
      ];
      const body = [
        reasonList("Evidence for", ev.for, "cx-for"),
        reasonList("Evidence against", ev.against, "cx-against"),
        reasonList("Notes", ev.note, "cx-note"),
        c.level_limit
          ? h(
              "p",
              { class: "cx-limit" },
              h("strong", { text: "Level limit: " }),
              typeset(c.level_limit.text ?? c.level_limit.why ?? `at most ${c.level_limit.level}`),
            )
          : null,
        c.missing?.length
          ? h("p", { class: "cx-missing" }, h("strong", { text: "What would decide: " }), c.missing.join(" "))
          : null,
        h("p", { class: "cx-confirm" }, h("strong", { text: "What confirms it: " }), c.confirm),
      ].filter(Boolean);
      // The leading items show their main evidence for and against; every reason with its
      // references is a tap away (the explorer stays about two phone screens tall).
      const leading =
        c.verdict !== "unlikely" &&
        c.verdict !== "not-judged" &&
        (i === 0 || c.verdict === a.conditions[0].verdict);
      if (leading) {
        const brief = (title, list, cls) =>
          list.length
            ? h(
                "p",
                { class: `cx-brief ${cls}` },
                h("strong", { text: `${title}: ` }),
                list
                  .slice(0, 2)
                  .map((r) => typeset(r.finding || r.text))
                  .join(" · "),
                list.length > 2 ? ` (+${list.length - 2} more)` : "",
              )
            : null;
        item.append(
          h("p", { class: "cx-cond-head" }, ...head()),
          ...[brief("For", ev.for, "cx-for"), brief("Against", ev.against, "cx-against")].filter(Boolean),
          h("details", { class: "cx-more" }, h("summary", { text: "All reasons, with references" }), ...body),
        );
      } else {
        // the rest: one line each, its reasons behind the tap on that line
        item.append(
          h("details", { class: "cx-more" }, h("summary", { class: "cx-cond-head" }, ...head()), ...body),
        );
      }
      list.append(item);
    });
    parts.push(list, h("p", { class: "cx-legend" }, h("strong", { text: "Levels: " }), legendLine(a)));
    if (a.lookalikes?.length) {
      parts.push(
        h("p", { class: "cx-sub", text: "Look-alikes the findings suggest" }),
        h(
          "ul",
          { class: "cx-lookalikes" },
          ...a.lookalikes.map((l) => {
            const ev = evidence(l);
            return h(
              "li",
              { "data-id": l.id },
              h(
                "p",
                { class: "cx-cond-head" },
                h("strong", { text: l.name }),
                l.leads ? h("span", { class: "cx-leads", text: " (leads the ranking)" }) : null,
              ),
              l.leads && ev.for.length
                ? h(
                    "p",
                    { class: "cx-brief cx-for" },
                    h("strong", { text: "For: " }),
                    ev.for
                      .slice(0, 2)
                      .map((r) => typeset(r.finding || r.text))
                      .join(" · "),
                  )
                : null,
              l.distinguish
                ? h(
                    "p",
                    { class: "cx-distinguish" },
                    h("strong", { text: "What tells it apart: " }),
                    typeset(l.distinguish),
                  )
                : null,
              h(
                "details",
                { class: "cx-more" },
                h("summary", { text: "Reasons" }),
                ...[
                  reasonList("Evidence for", ev.for, "cx-for"),
                  reasonList("Evidence against", ev.against, "cx-against"),
                  reasonList("Notes", ev.note, "cx-note"),
                ].filter(Boolean),
              ),
            );
          }),
        ),
      );
    }
    if (a.not_judged?.length)
      parts.push(
        h(
          "p",
          { class: "cx-missing" },
          h("strong", { text: "Not judged for lack of data: " }),
          a.not_judged.map((n) => `${n.label} (${n.reason})`).join("; "),
        ),
      );
    if (!rangesBox) {
      rangesBox = h(
        "details",
        { class: "cx-details" },
        h("summary", { text: "Reference ranges used (beyond the article)" }),
        h("ul", {}, ...Object.values(rules.ranges).map((r) => h("li", {}, r.label, refLinks(r.cite ?? [])))),
        h("p", { text: "Ranges vary between laboratories and assays: use your local laboratory's ranges." }),
      );
    }
    ranking.replaceChildren(...parts, rangesBox);
  }

  function showWarnings(a) {
    const list = (a.warnings ?? []).map((w) => typeset(w.message ?? w));
    const key = list.join("|");
    if (warnings.dataset.key === key) return;
    warnings.dataset.key = key;
    warnings.replaceChildren(...list.map((t) => h("li", { text: t })));
  }

  function headlineText(a) {
    return typeset(a.headline.text);
  }

  function hidden() {
    return practice && !revealed;
  }

  function showAssessment(a) {
    current = a;
    root.classList.remove("cx-is-stale");
    results.removeAttribute("inert");
    setText(stale, "");
    showWarnings(a);
    showDerived(a.derived);
    if (hidden()) {
      if (ranking.childElementCount) ranking.replaceChildren();
      ranking.dataset.key = "";
      setText(status, "Commit an answer to see the ranking.");
    } else {
      showRanking(a);
      setText(status, headlineText(a));
    }
  }

  function showStale(errors) {
    const first = Object.values(errors)[0];
    root.classList.add("cx-is-stale");
    setText(stale, `Not current: fix the highlighted field and the results update. ${first}`);
    setText(status, `Check the highlighted field: ${first}`);
    if (current) results.setAttribute("inert", "");
  }

  function showBarField(name) {
    const f = fields[name];
    if (!f) return;
    const unit = f.unit ? ` ${f.unit.textContent}` : "";
    const corrected =
      name === "calcium" || name === "albumin" ? derivedRows.calcium.result.textContent : null;
    setText(
      barField,
      `${f.label}: ${f.input.value || "—"}${f.input.value ? unit : ""}${corrected ? ` · corrected calcium ${corrected}` : ""}`,
    );
  }

  function countFindings() {
    const n = Object.entries(toggles).filter(([k, i]) => i.value && k !== "history.dialysis").length;
    setText(findingsSummary, `(${n} recorded)`);
  }

  function update({ sync = true, field = null } = {}) {
    const { scenario, errors } = readScenario();
    let assessment = null;
    if (!Object.keys(errors).length) {
      try {
        assessment = assess(rules, scenario);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const e of err.errors) {
          const name = fieldOf(e.field);
          const label = fields[name]?.label;
          if (name)
            errors[name] ??= label && !e.message.includes(label) ? `${label}: ${e.message}` : e.message;
          else errors._form ??= e.message;
        }
      }
    }
    showErrors(errors);
    if (assessment) showAssessment(assessment);
    else showStale(errors);
    if (field) lastField = field;
    if (lastField) showBarField(lastField);
    countFindings();
    if (sync) {
      lastSent = JSON.stringify(scenario);
      model.set("scenario", scenario);
      model.set("units", units);
      model.save_changes();
    }
  }

  // ---- practice
  function currentCase() {
    return rules.presets.find((p) => p.id === presetSelect.value) ?? null;
  }

  function commitAnswer() {
    const choice = answerSelect.value;
    if (!choice) {
      feedback.textContent = "Choose an answer first (or “I am not sure: show me”).";
      answerSelect.focus();
      return;
    }
    revealed = true;
    const c = currentCase();
    const taught = c ? [...c.taught.conditions, ...(c.taught.lookalike ? [c.taught.lookalike] : [])] : [];
    const names = Object.fromEntries([...rules.conditions, ...rules.lookalikes].map((x) => [x.id, x.name]));
    const taughtText = taught.map((t) => names[t] ?? t).join(" and ");
    let text;
    if (!c || !taught.length)
      text = "Your own values have no taught answer: compare your answer with the ranking below.";
    else if (choice === "unsure") text = `This case teaches: ${taughtText}. Read the evidence below.`;
    else if (taught.includes(choice))
      text = `Yes: this case teaches ${taughtText}. The evidence below shows why.`;
    else
      text = `Not quite: you chose ${names[choice]}; this case teaches ${taughtText}. Compare the evidence below.`;
    feedback.textContent = text;
    model.set("answer", {
      case: c?.id ?? "",
      answer: choice,
      correct: c && taught.length ? taught.includes(choice) : null,
      revealed: true,
    });
    model.save_changes();
    if (current) showAssessment(current);
    else update({ sync: false });
  }

  function resetPractice() {
    if (!practice) return;
    revealed = false;
    answerSelect.value = "";
    feedback.textContent = "";
  }

  // ---- print: the inputs as a table with the verdict and its reasons (controls are hidden)
  function buildPrint() {
    const { scenario } = readScenario();
    const rows = LABS.filter((n) => fields[n].input.value.trim()).map((n) => [
      fields[n].label,
      `${fields[n].input.value} ${fields[n].unit.textContent}`,
    ]);
    const labelOf = (k) => vocab.find((v) => `${v.group}.${v.id}` === k)?.label ?? k;
    const ticked = Object.entries(toggles)
      .filter(([, i]) => i.value)
      .map(([k, i]) => (i.value === "yes" ? labelOf(k) : `${labelOf(k)}: examined, absent`));
    if (scenario.history?.warfarin?.days != null)
      ticked.push(`${WARFARIN_LABEL}: ${scenario.history.warfarin.days}`);
    rows.push(["History, findings, histology", ticked.join("; ") || "none recorded"]);
    const table = h(
      "table",
      { class: "cx-print-inputs" },
      h("caption", { text: "Inputs" }),
      h(
        "tbody",
        {},
        ...rows.map(([k, v]) => h("tr", {}, h("th", { scope: "row", text: k }), h("td", { text: v }))),
      ),
    );
    const out = [
      h("p", { class: "cx-title", text: "Calcium–phosphate scenario explorer (printout)" }),
      table,
    ];
    if (!current || root.classList.contains("cx-is-stale"))
      out.push(h("p", { text: "No current result: a field holds an invalid value." }));
    else if (hidden()) out.push(h("p", { text: "The ranking is shown after an answer is committed." }));
    else {
      out.push(h("p", {}, h("strong", { text: headlineText(current) })));
      out.push(
        h(
          "ol",
          {},
          ...current.conditions.map((c) =>
            h(
              "li",
              {},
              h("strong", { text: `${c.verdict_label}: ${c.name}` }),
              h("ul", {}, ...(c.reasons ?? []).map((r) => h("li", { text: typeset(r.text) }))),
            ),
          ),
        ),
      );
    }
    out.push(h("p", { class: "cx-edu", text: rules.education_note }));
    print.replaceChildren(...out);
  }
  window.addEventListener("beforeprint", buildPrint);

  // ---- events
  presetSelect.addEventListener("change", () => {
    const preset = rules.presets.find((p) => p.id === presetSelect.value);
    model.set("preset", presetSelect.value);
    resetPractice();
    if (preset) fillInputs(preset.scenario);
    update();
  });
  function switchUnits(next) {
    if (next === units) return;
    units = next;
    for (const r of unitBox.querySelectorAll("input")) r.checked = r.value === next;
    setLabUnits(); // converts valid entries, keeps invalid text; touches no other field
    update();
  }
  unitBox.addEventListener("change", (event) => switchUnits(event.target.value));
  root.addEventListener("input", (event) => {
    const t = event.target;
    if (t.type === "radio" || t.tagName === "SELECT") return; // selects report on "change"
    const name = t.name;
    if (LABS.includes(name)) fields[name].origin = { text: t.value, unit: UNITS[units][name] };
    if (!practice && presetSelect.value) {
      presetSelect.value = "";
      model.set("preset", "");
    }
    update({ field: name });
  });
  root.addEventListener("focusin", (event) => {
    if (!fields[event.target.name]) return;
    lastField = event.target.name;
    showBarField(lastField);
  });
  root.addEventListener("change", (event) => {
    if (!event.target.classList.contains("cx-tri")) return;
    if (!practice && presetSelect.value) {
      presetSelect.value = "";
      model.set("preset", "");
    }
    update();
  });
  model.on("change:scenario", () => {
    const scenario = model.get("scenario");
    if (JSON.stringify(scenario) === lastSent) return;
    fillInputs(scenario);
    update({ sync: false });
  });
  model.on("change:units", () => {
    switchUnits(model.get("units") === "conventional" ? "conventional" : "SI");
  });

  // Start: a preset's current scenario comes from the rules data (so the site follows a
  // preset edit without re-execution); otherwise the stored scenario.
  const startPreset = rules.presets.find((p) => p.id === model.get("preset"));
  presetSelect.value = startPreset && presets.includes(startPreset) ? startPreset.id : "";
  setLabUnits();
  fillInputs(startPreset ? startPreset.scenario : (model.get("scenario") ?? {}));
  const answer = model.get("answer") ?? {};
  if (practice && answer.revealed && answer.case === presetSelect.value) {
    revealed = true;
    answerSelect.value = answer.answer ?? "";
  }
  update({ sync: false });
  barField.textContent = "Type a value: the result shows here.";
}

export default { render };
