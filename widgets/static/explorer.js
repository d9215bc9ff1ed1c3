// The calcium–phosphate scenario explorer: the front-end of widgets.Explorer. Its state and
// transitions are in explorer-state.js (pure, tested under node --test); this file holds the
// view (functions of the state, Preact + htm) and a thin render({ model, el }) that wires the
// model's traits, the page and the shared pieces of ui.js. It computes with clinical.js, the
// browser evaluator on the same rules data that the Python model is proven equal to
// (tests/test_parity.py), in the static book and in JupyterLab alike; with a kernel, the
// scenario, units and answer are synced to Python. scripts/bundle.py bundles the modules into
// widgets/static/dist/explorer.js.
//
// Two modes: "open" shows the ranking as you type; "practice" names cases neutrally and shows
// the ranking only after the learner has committed an answer (model trait `answer`).
import {
  DAYS,
  derive,
  feedbackText,
  fixed,
  hidden,
  initialState,
  labelOf,
  neutralText,
  shownText,
  toModel,
  typeset,
  unitOf,
  update,
} from "./explorer-state.js";
import { Refs as SharedRefs } from "./dom.js";
import { EDU_NOTE, focusOn, installTheme, keepClear, liveRegion } from "./ui.js";
import { html, render as draw } from "./view.js";

export { parseNumber, typeset } from "./explorer-state.js";

let counter = 0;

// ---- the Ca–P plane: corrected calcium (y) against phosphate (x), drawn in SI, labelled in the
// chosen units, with the reference box and the Ca × P lines of the rules data
function geometry(rules) {
  const spec = rules.plots.ca_p_plane;
  const [W, H, L, R, T, B] = [360, 260, 52, 12, 12, 40];
  const { x, y } = spec;
  return {
    W,
    H,
    L,
    R,
    T,
    B,
    x,
    y,
    step: spec.curve_step ?? 0.02,
    sx: (p) => L + ((p - x.min) / (x.max - x.min)) * (W - L - R),
    sy: (c) => H - B - ((c - y.min) / (y.max - y.min)) * (H - T - B),
  };
}

const capLines = (rules) => Object.values(rules.bands.cap.lines).map((l) => l.mg2_dl2);

function factors(rules, units) {
  const cap = rules.bands.cap;
  return units === "SI"
    ? { ca: 1, p: 1, unit: "mmol/L" }
    : { ca: cap.mg_factor_calcium, p: cap.mg_factor_phosphate, unit: "mg/dL" };
}

function ticks(axis) {
  const out = [];
  for (
    let v = Math.ceil(axis.min / axis.tick_step - 1e-9) * axis.tick_step;
    v <= axis.max + 1e-9;
    v += axis.tick_step
  )
    out.push(v);
  return out;
}

function capCurves(rules, g) {
  const cap = rules.bands.cap;
  return capLines(rules).map((mg, i) => {
    const k = mg / (cap.mg_factor_calcium * cap.mg_factor_phosphate);
    const start = Math.max(g.x.min, k / g.y.max);
    const pts = [];
    for (let p = start; p <= g.x.max + 1e-9; p += g.step)
      pts.push(`${g.sx(p).toFixed(1)},${g.sy(k / p).toFixed(1)}`);
    // labelled at the top, where each line enters the plot: the first left of it, the next right
    return html`<polyline points=${pts.join(" ")} class=${i === 0 ? "cx-iso55" : "cx-iso70"} />
      <text x=${g.sx(start) + (i % 2 ? 5 : -5)} y=${g.T + 12} text-anchor=${i % 2 ? "start" : "end"} class="cx-small"
        >${mg} mg²/dL²</text
      >`;
  });
}

function axes(rules, g, units) {
  const f = factors(rules, units);
  const mid = (g.T + g.H - g.B) / 2;
  return html`<line x1=${g.L} y1=${g.H - g.B} x2=${g.W - g.R} y2=${g.H - g.B} class="cx-axis" />
    <line x1=${g.L} y1=${g.T} x2=${g.L} y2=${g.H - g.B} class="cx-axis" />
    ${ticks(g.x).map(
      (p) =>
        html`<text x=${g.sx(p)} y=${g.H - g.B + 14} text-anchor="middle" class="cx-small">${fixed(p * f.p, 1)}</text>`,
    )}
    ${ticks(g.y).map(
      (c) =>
        html`<text x=${g.L - 6} y=${g.sy(c) + 4} text-anchor="end" class="cx-small">${fixed(c * f.ca, 1)}</text>`,
    )}
    <text x=${(g.L + g.W - g.R) / 2} y=${g.H - 6} text-anchor="middle" class="cx-small">Phosphate (${f.unit})</text>
    <text x="12" y=${mid} text-anchor="middle" transform=${`rotate(-90 12 ${mid})`} class="cx-small"
      >Corrected calcium (${f.unit})</text
    >`;
}

// The patient's point; off the scale it sits at the edge as an arrow pointing outwards, with its
// label kept inside the plot. Returns [svg nodes, a sentence describing it].
function patientPoint(rules, g, cca, p, units) {
  if (cca == null || p == null)
    return [null, "The patient's point is not shown: calcium or phosphate is missing."];
  const px = g.sx(Math.min(Math.max(p, g.x.min), g.x.max));
  const py = g.sy(Math.min(Math.max(cca, g.y.min), g.y.max));
  const dx = p > g.x.max ? 1 : p < g.x.min ? -1 : 0;
  const dy = cca > g.y.max ? -1 : cca < g.y.min ? 1 : 0;
  const off = dx || dy;
  const [tx, ty, bx, by] = [px + dx * 8, py + dy * 8, px - dx * 4, py - dy * 4];
  const [nx, ny] = [-dy, dx]; // perpendicular
  const mark = off
    ? html`<polygon class="cx-point cx-offscale"
        points=${`${tx},${ty} ${bx + nx * 7},${by + ny * 7} ${bx - nx * 7},${by - ny * 7}`} />`
    : html`<circle cx=${px} cy=${py} r="6" class="cx-point" />`;
  const right = px > g.W - g.R - 110;
  const label = html`<text x=${right ? px - 10 : px + 10} y=${py < g.T + 20 ? py + 18 : py - 9}
    text-anchor=${right ? "end" : "start"} class="cx-small cx-strong">${off ? "patient (off scale)" : "patient"}</text>`;
  const f = factors(rules, units);
  const text = `The patient's point: phosphate ${fixed(p * f.p, 2)} ${f.unit}, corrected calcium ${fixed(cca * f.ca, 2)} ${f.unit}${off ? ", off the scale" : ""}.`;
  return [html`<g class="cx-point-group">${mark}${label}</g>`, text];
}

function Plane({ state, d }) {
  const { rules } = state.ctx;
  const g = geometry(rules);
  const ca = rules.ranges.calcium;
  const ph = rules.ranges.phosphate;
  const d2 = d.assessment?.derived;
  const [point, text] = patientPoint(
    rules,
    g,
    d2?.calcium_for_bands?.["mmol/L"],
    d2?.values?.phosphate?.["mmol/L"],
    state.units,
  );
  const lines = capLines(rules).join(" and ");
  return html`<svg viewBox=${`0 0 ${g.W} ${g.H}`} class="cx-plane" role="img"
    aria-label=${`Calcium–phosphate plane with the reference box and the Ca × P ${lines} mg²/dL² lines. ${text}`}>
    <rect x=${g.sx(ph.low)} y=${g.sy(ca.high)} width=${g.sx(ph.high) - g.sx(ph.low)}
      height=${g.sy(ca.low) - g.sy(ca.high)} class="cx-refbox" />
    <text x=${g.sx(ph.low) + 4} y=${g.sy(ca.low) - 5} class="cx-small">reference</text>
    ${capCurves(rules, g)} ${axes(rules, g, state.units)} ${point}
  </svg>`;
}

// ---- inputs
function LabField({ state, name, uid, error, on }) {
  const id = `${uid}-${name}`;
  return html`<div class="cx-field">
    <label for=${id}>${labelOf(state, name)}</label>
    <span class="cx-entry">
      <input id=${id} name=${name} type="text" inputmode="decimal" autocomplete="off"
        aria-describedby=${`${id}-unit ${id}-err`} aria-invalid=${error ? "true" : undefined}
        value=${shownText(state, name)} onInput=${(e) => on({ type: "type", name, text: e.currentTarget.value })}
        onFocus=${() => on({ type: "field", name })} />
      <span id=${`${id}-unit`} class="cx-unit">${typeset(unitOf(state, name))}</span>
    </span>
    <span id=${`${id}-err`} class="cx-error">${error ?? ""}</span>
  </div>`;
}

// present, examined and absent, or not recorded (never evidence); in practice before an answer
// the tooltip leaves out any clause naming a condition
function Tri({ state, item, uid, on, extra = "" }) {
  const key = `${item.group}.${item.id}`;
  const id = `${uid}-${item.group}-${item.id}`;
  const title = hidden(state) ? neutralText(item.definition, state.ctx.words) : item.definition;
  return html`<div class=${`cx-check${extra}`}>
    <label for=${id}>${item.label}</label>
    <select id=${id} class="cx-tri" name=${key} title=${title} value=${state.tri[key] ?? ""}
      onChange=${(e) => on({ type: "tri", key, value: e.currentTarget.value })}>
      <option value="">not recorded</option>
      <option value="yes">present</option>
      <option value="no">examined: absent</option>
    </select>
  </div>`;
}

function Labs({ state, d, uid, on }) {
  const dialysis = state.ctx.rules.vocabulary.items.find((i) => i.id === "dialysis");
  return html`<fieldset class="cx-labs">
    <legend>Laboratory values (leave empty if not measured)</legend>
    ${state.ctx.labs.map((name) => html`<${LabField} key=${name} ...${{ state, name, uid, on }} error=${d.errors[name]} />`)}
    <${Tri} state=${state} item=${dialysis} uid=${uid} on=${on} extra=" cx-dialysis" />
  </fieldset>`;
}

function Group({ state, group, uid, on, children }) {
  const items = state.ctx.rules.vocabulary.items.filter((i) => i.group === group && i.id !== "dialysis");
  return html`<fieldset class="cx-toggles">
    <legend>${state.ctx.rules.vocabulary.groups[group].label}</legend>
    ${items.map((item) => html`<${Tri} key=${item.id} state=${state} item=${item} uid=${uid} on=${on} />`)}
    ${children}
  </fieldset>`;
}

function Findings({ state, d, uid, on }) {
  const id = `${uid}-warfarin-days`;
  const n = Object.entries(state.tri).filter(([k, v]) => v && k !== "history.dialysis").length;
  return html`<details class="cx-details cx-findings">
    <summary>History, findings and histology <span class="cx-count">(${n} recorded)</span></summary>
    <${Group} state=${state} group="history" uid=${uid} on=${on}>
      <div class="cx-field">
        <label for=${id}>${state.ctx.warfarinLabel}</label>
        <input id=${id} type="text" inputmode="numeric" name=${DAYS} autocomplete="off"
          aria-describedby=${`${id}-err`} aria-invalid=${d.errors[DAYS] ? "true" : undefined} value=${state.days}
          onInput=${(e) => on({ type: "type", name: DAYS, text: e.currentTarget.value })}
          onFocus=${() => on({ type: "field", name: DAYS })} />
        <span id=${`${id}-err`} class="cx-error">${d.errors[DAYS] ?? ""}</span>
      </div>
    <//>
    <${Group} state=${state} group="finding" uid=${uid} on=${on} />
    <${Group} state=${state} group="histology" uid=${uid} on=${on} />
  </details>`;
}

function Controls({ state, uid, on }) {
  const practice = state.ctx.practice;
  const value = state.ctx.presets.find((p) => p.id === state.preset)?.value ?? "";
  const choose = (v) => on({ type: "preset", id: state.ctx.presets.find((p) => p.value === v)?.id ?? "" });
  return html`<div class="cx-controls ui-no-print">
    <div class="cx-preset-box">
      <label for=${`${uid}-preset`}>${practice ? "Case" : "Preset"}</label>
      <select id=${`${uid}-preset`} name="preset" class="cx-preset" value=${value}
        onChange=${(e) => choose(e.currentTarget.value)}>
        <option value="">${practice ? "Choose a case, or type your own values" : "Your own scenario"}</option>
        ${state.ctx.presets.map((p) => html`<option key=${p.value} value=${p.value}>${p.name}</option>`)}
      </select>
    </div>
    <fieldset class="cx-units">
      <legend>Units</legend>
      ${["SI", "conventional"].map(
        (u) => html`<label key=${u}>
          <input type="radio" name=${`${uid}-units`} value=${u} checked=${u === state.units}
            onChange=${() => on({ type: "units", units: u })} />
          ${u === "SI" ? "SI (mmol/L)" : "Conventional (mg/dL)"}
        </label>`,
      )}
    </fieldset>
  </div>`;
}

function barFieldText(state, d) {
  const name = state.lastField;
  if (!name) return "Type a value: the result shows here.";
  const value = name === DAYS ? state.days : shownText(state, name);
  const unit = name === DAYS || !value ? "" : ` ${typeset(unitOf(state, name))}`;
  const cca = d.assessment?.derived?.corrected_calcium?.[unitOf(state, "calcium")];
  const corrected =
    (name === "calcium" || name === "albumin") && cca != null
      ? ` · corrected calcium ${fixed(cca, 2)} ${typeset(unitOf(state, "calcium"))}`
      : "";
  return `${labelOf(state, name)}: ${value || "—"}${unit}${corrected}`;
}

export function statusText(state, d) {
  const first = Object.values(d.errors)[0];
  if (first) return `Check the highlighted field: ${first}`;
  if (hidden(state)) return "Commit an answer to see the ranking.";
  return typeset(d.assessment.headline.text);
}

function AnswerBox({ state, uid, on }) {
  const { rules } = state.ctx;
  const text = feedbackText(state);
  return html`<div class="cx-answer-box ui-no-print">
    <label for=${`${uid}-answer`}>What is this picture most consistent with?</label>
    <span class="cx-answer-row">
      <select id=${`${uid}-answer`} class="cx-answer" value=${state.choice}
        onChange=${(e) => on({ type: "choose", choice: e.currentTarget.value })}>
        <option value="">Choose your answer…</option>
        <optgroup label="Calcification and skin necrosis">
          ${rules.conditions.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
        </optgroup>
        <optgroup label="Look-alikes">
          ${rules.lookalikes.map((l) => html`<option key=${l.id} value=${l.id}>${l.name}</option>`)}
        </optgroup>
        <option value="unsure">I am not sure: show me</option>
      </select>
      <button type="button" class="cx-commit" onClick=${() => on({ type: "commit" })}>Check my answer</button>
    </span>
    <p class="cx-feedback">${text}</p>
    ${
      state.committed
        ? html`<span class="cx-answer-row">
            <button type="button" class="cx-again" onClick=${() => on({ type: "reset" })}>Try this case again</button>
            <button type="button" class="cx-review" onClick=${() => on({ type: "review" })}>Back to the case's values</button>
          </span>`
        : null
    }
  </div>`;
}

// ---- results
const DERIVED = [
  ["calcium", "Corrected calcium"],
  ["phosphate", "Phosphate"],
  ["cap", "Ca × P"],
  ["gfr", "Kidney function"],
  ["pth", "PTH"],
];

function derivedRows(state, dv) {
  const { rules } = state.ctx;
  const dec = (analyte, unit) => rules.units.analytes[analyte].units[unit]?.decimals ?? 2;
  const val = (obj, unit, decimals) =>
    obj && obj[unit] != null ? `${fixed(obj[unit], decimals)} ${typeset(unit)}` : "not available";
  const u = (name) => unitOf(state, name);
  const si = state.units === "SI";
  const cap = rules.bands.cap;
  return {
    calcium: [
      val(dv.corrected_calcium, u("calcium"), dec("calcium", u("calcium"))),
      dv.bands?.calcium?.label,
    ],
    phosphate: [
      val(dv.values?.phosphate, u("phosphate"), dec("phosphate", u("phosphate"))),
      dv.bands?.phosphate?.label,
    ],
    cap: [
      val(dv.ca_x_p, si ? "mmol2/L2" : "mg2/dL2", si ? cap.decimals_mmol : cap.decimals_mg),
      dv.bands?.ca_x_p?.label,
    ],
    gfr: [dv.gfr_category ?? "not available", dv.bands?.gfr?.label],
    pth: [
      dv.pth_x_uln != null ? `${dv.pth_x_uln} × upper limit` : "not available",
      dv.bands?.pth_multiple?.label,
    ],
  };
}

function Derived({ state, d }) {
  const dv = d.assessment?.derived ?? {};
  const rows = derivedRows(state, dv);
  // a band that names a condition ("the classic metastatic-calcification threshold") waits for the answer
  const band = (label) => typeset(hidden(state) ? neutralText(label ?? "", state.ctx.words) : (label ?? ""));
  const caveats = dv.corrected_calcium?.caveats ?? [];
  return html`<div class="cx-derived-box">
    <table class="cx-derived">
      <caption>Derived values</caption>
      <thead><tr><th scope="col">Value</th><th scope="col">Result and band</th></tr></thead>
      <tbody>
        ${DERIVED.map(
          ([key, label]) => html`<tr key=${key}>
            <th scope="row">${label}</th>
            <td><span class="cx-result">${rows[key][0]}</span><span class="cx-band">${band(rows[key][1])}</span></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <details class="cx-more cx-caveats-box" hidden=${!caveats.length}>
      <summary>About the albumin correction</summary>
      <ul class="cx-caveats">${caveats.map((c) => html`<li key=${c}>${c}</li>`)}</ul>
    </details>
  </div>`;
}

function Refs({ keys, env }) {
  return html`<${SharedRefs} keys=${keys} labels=${env.refLabels} base=${env.bibUrl} cls="cx-refs" />`;
}

function evidence(item) {
  return {
    for: item.evidence_for,
    against: item.evidence_against,
    note: item.reasons.filter((r) => r.direction === "note"),
  };
}

function Reasons({ title, list, cls, env }) {
  if (!list.length) return null;
  return html`<div class=${`cx-evidence ${cls}`}>
    <p class="cx-ev-title">${title}</p>
    <ul class="cx-reasons">
      ${list.map(
        (r) => html`<li>
          ${typeset(r.text)}<${Refs} keys=${r.cite} env=${env} />
          ${r.beyond ? html`<span class="cx-beyond"> (beyond the article)</span>` : null}
        </li>`,
      )}
    </ul>
  </div>`;
}

function AllReasons({ ev, env }) {
  return html`<${Reasons} title="Evidence for" list=${ev.for} cls="cx-for" env=${env} />
    <${Reasons} title="Evidence against" list=${ev.against} cls="cx-against" env=${env} />
    <${Reasons} title="Notes" list=${ev.note} cls="cx-note" env=${env} />`;
}

function Brief({ title, list, cls }) {
  if (!list.length) return null;
  const more = list.length > 2 ? ` (+${list.length - 2} more)` : "";
  const text = list
    .slice(0, 2)
    .map((r) => typeset(r.finding || r.text))
    .join(" · ");
  return html`<p class=${`cx-brief ${cls}`}><strong>${title}: </strong>${text}${more}</p>`;
}

function Condition({ c, leading, env }) {
  const ev = evidence(c);
  const head = html`<span class="cx-verdict">${c.verdict_label}</span> <strong class="cx-name">${c.name}</strong>`;
  const limit =
    c.level_limit && (c.level_limit.text ?? c.level_limit.why ?? `at most ${c.level_limit.level}`);
  const body = html`<${AllReasons} ev=${ev} env=${env} />
    ${limit ? html`<p class="cx-limit"><strong>Level limit: </strong>${typeset(limit)}</p>` : null}
    ${c.missing?.length ? html`<p class="cx-missing"><strong>What would decide: </strong>${c.missing.join(" ")}</p>` : null}
    <p class="cx-confirm"><strong>What confirms it: </strong>${c.confirm}</p>`;
  // the leading items show their main evidence; every reason with its references is a tap away
  return html`<li class=${`cx-condition cx-${c.verdict}`} data-id=${c.id}>
    ${
      leading
        ? html`<p class="cx-cond-head">${head}</p>
            <${Brief} title="For" list=${ev.for} cls="cx-for" />
            <${Brief} title="Against" list=${ev.against} cls="cx-against" />
            <details class="cx-more"><summary>All reasons, with references</summary>${body}</details>`
        : html`<details class="cx-more"><summary class="cx-cond-head">${head}</summary>${body}</details>`
    }
  </li>`;
}

function Lookalike({ l, env }) {
  const ev = evidence(l);
  return html`<li data-id=${l.id}>
    <p class="cx-cond-head"><strong>${l.name}</strong>${l.leads ? html`<span class="cx-leads"> (leads the ranking)</span>` : null}</p>
    ${l.leads ? html`<${Brief} title="For" list=${ev.for.slice(0, 2)} cls="cx-for" />` : null}
    ${l.distinguish ? html`<p class="cx-distinguish"><strong>What tells it apart: </strong>${typeset(l.distinguish)}</p>` : null}
    <details class="cx-more"><summary>Reasons</summary><${AllReasons} ev=${ev} env=${env} /></details>
  </li>`;
}

function Headline({ a }) {
  const h = a.headline;
  return html`<p class="cx-summary"><strong>${typeset(h.text)}</strong></p>
    ${h.separates ? html`<p class="cx-separates"><strong>What separates them: </strong>${typeset(h.separates)}</p>` : null}
    ${h.missing.length ? html`<p class="cx-missing"><strong>Missing data: </strong>${h.missing.join("; ")}</p>` : null}`;
}

function Ranking({ state, a, env }) {
  const top = a.conditions[0]?.verdict;
  const leading = (c, i) =>
    c.verdict !== "unlikely" && c.verdict !== "not-judged" && (i === 0 || c.verdict === top);
  return html`<div class="cx-ranking">
    <${Headline} a=${a} />
    <ol class="cx-conditions" aria-label="Conditions, most consistent first">
      ${a.conditions.map((c, i) => html`<${Condition} key=${c.id} c=${c} leading=${leading(c, i)} env=${env} />`)}
    </ol>
    <p class="cx-legend"><strong>Levels: </strong>${typeset(a.legend.replace(/^Levels:\s*/, ""))}</p>
    ${
      a.lookalikes?.length
        ? html`<p class="cx-sub">Look-alikes the findings suggest</p>
            <ul class="cx-lookalikes">${a.lookalikes.map((l) => html`<${Lookalike} key=${l.id} l=${l} env=${env} />`)}</ul>`
        : null
    }
    ${
      a.not_judged?.length
        ? html`<p class="cx-missing"><strong>Not judged for lack of data: </strong>${a.not_judged
            .map((n) => `${n.label} (${n.reason})`)
            .join("; ")}</p>`
        : null
    }
    <details class="cx-details">
      <summary>Reference ranges used (beyond the article)</summary>
      <ul>${Object.values(state.ctx.rules.ranges).map((r) => html`<li>${r.label}<${Refs} keys=${r.cite} env=${env} /></li>`)}</ul>
      <p>Ranges vary between laboratories and assays: use your local laboratory's ranges.</p>
    </details>
  </div>`;
}

function Results({ state, d, env }) {
  const a = d.assessment;
  const first = Object.values(d.errors)[0];
  const warnings = (a?.warnings ?? []).map((w) => typeset(w.message ?? w));
  const lines = capLines(state.ctx.rules).join(" and ");
  return html`<p class="cx-stale-note" role="alert">${first ? `Not current: fix the highlighted field and the results update. ${first}` : ""}</p>
    <div class="cx-results ui-no-print" inert=${first ? true : undefined}>
      <ul class="cx-warnings" aria-label="Warnings">${warnings.map((t) => html`<li>${t}</li>`)}</ul>
      <${Derived} state=${state} d=${d} />
      <details class="cx-details cx-plane-details" open=${env.wide}>
        <summary>Calcium–phosphate plane</summary>
        <figure class="cx-figure">
          <div class="cx-plane-box"><${Plane} state=${state} d=${d} /></div>
          <figcaption>Corrected calcium against phosphate. Box: adult reference ranges. Lines: Ca × P of ${lines} mg²/dL².</figcaption>
        </figure>
      </details>
      ${a && !hidden(state) ? html`<${Ranking} state=${state} a=${a} env=${env} />` : null}
    </div>`;
}

// ---- print: the inputs as a table with the verdict and its reasons (the controls are hidden);
// the education line printed after it is the explorer's own closing line (.cx-end)
function printRows(state) {
  const { rules } = state.ctx;
  const rows = state.ctx.labs
    .filter((n) => state.labs[n].text.trim())
    .map((n) => [labelOf(state, n), `${shownText(state, n)} ${typeset(unitOf(state, n))}`]);
  const ticked = rules.vocabulary.items
    .filter((i) => state.tri[`${i.group}.${i.id}`])
    .map((i) => (state.tri[`${i.group}.${i.id}`] === "yes" ? i.label : `${i.label}: examined, absent`));
  if (state.tri["history.warfarin"] === "yes" && state.days.trim())
    ticked.push(`${state.ctx.warfarinLabel}: ${state.days}`);
  rows.push(["History, findings, histology", ticked.join("; ") || "none recorded"]);
  return rows;
}

function PrintView({ state, d }) {
  const a = d.assessment;
  let verdict;
  if (!a) verdict = html`<p>No current result: a field holds an invalid value.</p>`;
  else if (hidden(state)) verdict = html`<p>The ranking is shown after an answer is committed.</p>`;
  else
    verdict = html`<p><strong>${typeset(a.headline.text)}</strong></p>
      <ol>${a.conditions.map(
        (c) => html`<li><strong>${c.verdict_label}: ${c.name}</strong>
          <ul>${(c.reasons ?? []).map((r) => html`<li>${typeset(r.text)}</li>`)}</ul></li>`,
      )}</ol>`;
  return html`<div class="cx-print ui-print">
    <p class="cx-title">Calcium–phosphate scenario explorer (printout)</p>
    <table class="cx-print-inputs">
      <caption>Inputs</caption>
      <tbody>${printRows(state).map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody>
    </table>
    ${verdict}
  </div>`;
}

// ---- the whole explorer
function Explorer({ state, d, uid, on, env }) {
  const practice = state.ctx.practice;
  return html`<a class="cx-skip" href=${`#${uid}-end`} onClick=${env.skip}>Skip past the explorer</a>
    <div class=${`cx-explorer ui-component${practice ? " cx-practice" : ""}${d.assessment ? "" : " cx-is-stale"}`} role="group"
      aria-label="Calcium–phosphate scenario explorer">
      <p class="cx-title ui-no-print">${practice ? "Case explorer: practise before you look" : "Calcium–phosphate scenario explorer"}</p>
      <p class="cx-edu ui-no-print">${state.ctx.rules.education_note} It says what a picture is consistent with, never a diagnosis.</p>
      <${Controls} state=${state} uid=${uid} on=${on} />
      <div class="cx-layout">
        <div class="cx-bar ui-no-print">
          ${d.assessment?.check_values?.length ? html`<span class="cx-bar-check">${d.assessment.check_values.map((c) => c.message).join(" ")}</span>` : null}
          <span class="cx-bar-field">${barFieldText(state, d)}</span>
          <span class="cx-bar-status">${statusText(state, d)}</span>
        </div>
        <div class="cx-inputs ui-no-print">
          <${Labs} state=${state} d=${d} uid=${uid} on=${on} />
          <${Findings} state=${state} d=${d} uid=${uid} on=${on} />
        </div>
        <div class="cx-output">
          ${practice ? html`<${AnswerBox} state=${state} uid=${uid} on=${on} />` : null}
          <${Results} state=${state} d=${d} env=${env} />
        </div>
      </div>
      <${PrintView} state=${state} d=${d} />
    </div>
    <p id=${`${uid}-end`} class="cx-edu ui-edu cx-end" tabindex="-1">${EDU_NOTE}</p>`;
}

// ---- wiring: model traits, the page, focus and announcements
const FOCUS = { feedback: ".cx-feedback", answer: ".cx-answer" };
const SAY_NOW = new Set(["preset", "units", "commit", "reset", "review", "load"]);

function render({ model, el }) {
  installTheme();
  const uid = `cx${++counter}`;
  const host = document.createElement("div");
  el.append(host);
  const live = liveRegion(el);
  let state = initialState(
    { rules: JSON.parse(model.get("rules_json")), mode: model.get("mode") },
    {
      scenario: model.get("scenario"),
      units: model.get("units"),
      preset: model.get("preset"),
      answer: model.get("answer"),
    },
  );
  const env = {
    refLabels: model.get("ref_labels") ?? {},
    bibUrl: model.get("bibliography_url"),
    wide: Boolean(window.matchMedia?.("(min-width: 60em)").matches),
    skip: (event) => {
      event.preventDefault();
      focusOn(host.querySelector(".cx-end"));
    },
  };
  let sent = JSON.stringify(toModel(state, derive(state).scenario));
  let said = "";
  let timer = null;

  function sync(d) {
    const out = toModel(state, d.scenario);
    const text = JSON.stringify(out);
    if (text === sent) return;
    sent = text;
    for (const [trait, value] of Object.entries(out)) model.set(trait, value);
    model.save_changes();
  }

  function announce(d, now) {
    const text = state.focus === "feedback" ? feedbackText(state) : statusText(state, d);
    clearTimeout(timer);
    const say = () => {
      if (text === said) return;
      said = text;
      live.say(text);
    };
    if (now) say();
    else timer = setTimeout(say, 900);
  }

  function on(event, { fromModel = false } = {}) {
    const next = update(state, event);
    if (next === state) return;
    state = next;
    const d = derive(state);
    draw(html`<${Explorer} state=${state} d=${d} uid=${uid} on=${on} env=${env} />`, host);
    if (!fromModel) sync(d);
    if (event.type !== "field") announce(d, SAY_NOW.has(event.type));
    if (state.focus) {
      focusOn(host.querySelector(FOCUS[state.focus]));
      state = { ...state, focus: null };
    }
  }

  draw(html`<${Explorer} state=${state} d=${derive(state)} uid=${uid} on=${on} env=${env} />`, host);
  keepClear(host, () => host.querySelector(".cx-bar"));
  model.on("change:scenario", () => {
    const scenario = model.get("scenario") ?? {};
    if (JSON.stringify(scenario) !== JSON.stringify(derive(state).scenario))
      on({ type: "load", scenario }, { fromModel: true });
  });
  model.on("change:units", () => on({ type: "units", units: model.get("units") }, { fromModel: true }));
}

export default { render };
