// The calcium–phosphate scenario explorer: the front-end of widgets.Explorer. It computes
// with clinical.js, the browser evaluator on the same rules data that the Python model is
// proven equal to (tests/test_parity.py). It renders and computes in the page, in the static
// book (no kernel) and in JupyterLab alike; with a kernel, the scenario and units it edits are
// synced to Python (explorer.scenario, explorer.assessment). scripts/bundle.py bundles the two
// into widgets/static/dist/explorer.js, the module anywidget and the site load.
import { assess, convert, ValidationError } from "./clinical.js";

const CX_LABS = ["calcium", "albumin", "phosphate", "pth", "vitamin_d", "egfr"];
const CX_UNITS = {
  SI: { calcium: "mmol/L", albumin: "g/L", phosphate: "mmol/L", pth: "pmol/L", vitamin_d: "nmol/L", egfr: "mL/min/1.73m2" },
  conventional: { calcium: "mg/dL", albumin: "g/dL", phosphate: "mg/dL", pth: "pg/mL", vitamin_d: "ng/mL", egfr: "mL/min/1.73m2" },
};
const CX_UNIT_TEXT = { "mL/min/1.73m2": "mL/min/1.73 m²", "mmol2/L2": "mmol²/L²", "mg2/dL2": "mg²/dL²" };
const cxUnitText = (u) => CX_UNIT_TEXT[u] ?? u;
let cxCounter = 0;

function cxEl(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

// "2,10" is read as 2.10; an empty field is a missing value; anything else not a plain number
// is reported at the field (the evaluator checks ranges and reports them the same way).
function cxParseNumber(text) {
  const t = text.trim().replace(",", ".");
  if (t === "") return { missing: true };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { error: "enter a number, e.g. 2.10" };
  return { value: Number(t) };
}

function cxFormat(value, decimals) {
  return value == null || Number.isNaN(value) ? "" : Number(value).toFixed(decimals);
}

function cxPlane(rules, derived, units) {
  // Corrected calcium (y) against phosphate (x), with the reference box and the Ca×P 55 and
  // 70 mg²/dL² curves. Drawn in SI and labelled in the chosen units.
  const W = 360, H = 260, L = 52, R = 12, T = 12, B = 40;
  const x0 = 0.4, x1 = 3.0, y0 = 1.6, y1 = 3.8;
  const sx = (p) => L + ((p - x0) / (x1 - x0)) * (W - L - R);
  const sy = (c) => H - B - ((c - y0) / (y1 - y0)) * (H - T - B);
  const cap = rules.bands.cap;  // the model's own mg/dL factors
  const conv = units === "SI" ? { ca: 1, p: 1 } : { ca: cap.mg_factor_calcium, p: cap.mg_factor_phosphate };
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.setAttribute("class", "cx-plane");
  const add = (tag, attrs, text) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    if (text != null) n.textContent = text;
    svg.append(n);
    return n;
  };
  const ca = rules.ranges.calcium, ph = rules.ranges.phosphate;
  add("rect", { x: sx(ph.low), y: sy(ca.high), width: sx(ph.high) - sx(ph.low), height: sy(ca.low) - sy(ca.high), class: "cx-refbox" });
  add("text", { x: sx(ph.low) + 4, y: sy(ca.high) + 14, class: "cx-small" }, "reference");
  for (const [mg, label, cls] of [[55, "55 mg²/dL²", "cx-iso55"], [70, "70 mg²/dL²", "cx-iso70"]]) {
    const k = mg / (cap.mg_factor_calcium * cap.mg_factor_phosphate);
    const pts = [];
    for (let p = Math.max(x0, k / y1); p <= x1 + 1e-9; p += 0.02) pts.push(`${sx(p).toFixed(1)},${sy(k / p).toFixed(1)}`);
    add("polyline", { points: pts.join(" "), class: cls });
    add("text", { x: sx(2.5), y: sy(k / 2.5) - 6, "text-anchor": "start", class: "cx-small" }, label);
  }
  add("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "cx-axis" });
  add("line", { x1: L, y1: T, x2: L, y2: H - B, class: "cx-axis" });
  for (let p = 0.5; p <= 3.0 + 1e-9; p += 0.5) {
    add("text", { x: sx(p), y: H - B + 14, "text-anchor": "middle", class: "cx-small" }, cxFormat(p * conv.p, units === "SI" ? 1 : 1));
  }
  for (let c = 1.8; c <= 3.8 + 1e-9; c += 0.4) {
    add("text", { x: L - 6, y: sy(c) + 4, "text-anchor": "end", class: "cx-small" }, cxFormat(c * conv.ca, units === "SI" ? 1 : 1));
  }
  add("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "cx-small" },
    `Phosphate (${units === "SI" ? "mmol/L" : "mg/dL"})`);
  add("text", { x: 12, y: (T + H - B) / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${(T + H - B) / 2})`, class: "cx-small" },
    `Corrected calcium (${units === "SI" ? "mmol/L" : "mg/dL"})`);
  const cca = derived?.calcium_for_bands?.["mmol/L"];
  const p = derived?.values?.phosphate?.["mmol/L"];
  let description = "The patient's point is not shown: calcium or phosphate is missing.";
  if (cca != null && p != null) {
    const cx = Math.min(Math.max(p, x0), x1), cy = Math.min(Math.max(cca, y0), y1);
    add("circle", { cx: sx(cx), cy: sy(cy), r: 6, class: "cx-point" });
    add("text", { x: sx(cx) + 9, y: sy(cy) - 8, class: "cx-small cx-strong" }, "patient");
    description = `The patient's point: phosphate ${p} mmol/L, calcium ${cca} mmol/L; ${derived.bands.ca_x_p.label}.`;
  }
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `Calcium–phosphate plane with the reference box and the Ca×P 55 and 70 mg²/dL² curves. ${description}`);
  return svg;
}

function render({ model, el }) {
  const rules = JSON.parse(model.get("rules_json"));
  const uid = `cx${++cxCounter}`;
  const vocab = rules.vocabulary.items;
  const byGroup = (g) => vocab.filter((i) => i.group === g);
  let units = model.get("units") === "conventional" ? "conventional" : "SI";
  let lastSent = "";

  const root = cxEl("div", { class: "cx-explorer" });
  const status = cxEl("p", { class: "cx-status", "aria-live": "polite", role: "status" });
  root.append(
    cxEl("p", { class: "cx-title", text: "Calcium–phosphate scenario explorer" }),
    cxEl("p", { class: "cx-edu", text: `${rules.education_note} It says what a picture is consistent with, never a diagnosis.` }),
  );

  // Preset and unit system.
  const presetSelect = cxEl("select", { id: `${uid}-preset`, name: "preset" },
    cxEl("option", { value: "", text: "Your own scenario" }),
    ...rules.presets.map((p) => cxEl("option", { value: p.id, text: p.title })));
  const unitBox = cxEl("fieldset", { class: "cx-units" }, cxEl("legend", { text: "Units" }),
    ...["SI", "conventional"].map((u) => cxEl("label", {},
      cxEl("input", { type: "radio", name: `${uid}-units`, value: u, checked: u === units }),
      ` ${u === "SI" ? "SI (mmol/L)" : "Conventional (mg/dL)"}`)));
  root.append(cxEl("div", { class: "cx-row" },
    cxEl("div", {}, cxEl("label", { for: `${uid}-preset`, text: "Preset " }), presetSelect), unitBox));

  // Laboratory values.
  const labFields = {};
  const labs = cxEl("fieldset", { class: "cx-labs" }, cxEl("legend", { text: "Laboratory values (leave empty if not measured)" }));
  for (const name of CX_LABS) {
    const id = `${uid}-${name}`;
    const input = cxEl("input", { id, name, type: "text", inputmode: "decimal", autocomplete: "off", "aria-describedby": `${id}-unit ${id}-err` });
    const unit = cxEl("span", { id: `${id}-unit`, class: "cx-unit" });
    const error = cxEl("span", { id: `${id}-err`, class: "cx-error" });
    labFields[name] = { input, unit, error };
    labs.append(cxEl("div", { class: "cx-field" },
      cxEl("label", { for: id, text: rules.units.analytes[name].label }), input, unit, error));
  }
  // Dialysis sits with kidney function: with it, the GFR category is G5D whatever the eGFR.
  const dialysis = vocab.find((i) => i.id === "dialysis");
  const dialysisInput = cxEl("input", { type: "checkbox", id: `${uid}-history-dialysis`, value: "dialysis", title: dialysis.definition });
  labs.append(cxEl("div", { class: "cx-check cx-dialysis" }, dialysisInput, cxEl("label", { for: dialysisInput.id, text: ` ${dialysis.label}` })));
  root.append(labs);

  // History, findings, histology as toggles.
  const toggles = { "history.dialysis": dialysisInput };
  const groupBox = (group, title) => {
    const box = cxEl("fieldset", { class: "cx-toggles" }, cxEl("legend", { text: title }));
    for (const item of byGroup(group)) {
      if (group === "history" && item.id === "dialysis") continue; // shown beside eGFR
      const id = `${uid}-${group}-${item.id}`;
      const input = cxEl("input", { type: "checkbox", id, value: item.id, title: item.definition });
      toggles[`${group}.${item.id}`] = input;
      box.append(cxEl("div", { class: "cx-check" }, input, cxEl("label", { for: id, text: ` ${item.label}` })));
    }
    return box;
  };
  const warfarinDays = cxEl("input", { id: `${uid}-warfarin-days`, type: "text", inputmode: "numeric", name: "warfarin_days", "aria-describedby": `${uid}-warfarin-days-err` });
  const warfarinError = cxEl("span", { id: `${uid}-warfarin-days-err`, class: "cx-error" });
  const history = groupBox("history", "History");
  history.append(cxEl("div", { class: "cx-field" },
    cxEl("label", { for: warfarinDays.id, text: "Days since warfarin was started" }), warfarinDays, warfarinError));
  const details = cxEl("details", { class: "cx-details" }, cxEl("summary", { text: "History, findings and histology" }),
    history, groupBox("finding", "Findings"), groupBox("histology", "Histology (biopsy)"));
  root.append(details);

  // Results.
  const results = cxEl("div", { class: "cx-results" });
  root.append(status, results);
  el.append(root);

  function setLabUnits() {
    for (const name of CX_LABS) labFields[name].unit.textContent = cxUnitText(CX_UNITS[units][name]);
  }

  function fillInputs(scenario) {
    const labsIn = scenario.labs ?? {};
    for (const name of CX_LABS) {
      const lab = labsIn[name];
      let text = "";
      if (lab && lab.value != null) {
        const target = CX_UNITS[units][name];
        const decimals = rules.units.analytes[name].units[target]?.decimals ?? 2;
        try {
          text = cxFormat(lab.unit === target ? lab.value : convert(rules, lab.value, lab.unit, target, name), decimals);
        } catch {
          text = String(lab.value);
        }
      }
      labFields[name].input.value = text;
    }
    const listed = new Set();
    for (const [group, key] of [["history", "history"], ["finding", "findings"], ["histology", "histology"]]) {
      const items = scenario[key] ?? [];
      for (const item of Array.isArray(items) ? items : Object.keys(items)) listed.add(`${group}.${item}`);
    }
    for (const [key, input] of Object.entries(toggles)) input.checked = listed.has(key);
    const hist = scenario.history;
    const days = hist && !Array.isArray(hist) ? hist.warfarin?.days : null;
    warfarinDays.value = days == null ? "" : String(days);
  }

  // Read the form into a scenario; field errors that are not the evaluator's business (not
  // a number) are collected here, the rest come back from the evaluator as validation errors.
  function readScenario() {
    const errors = {};
    const labsOut = {};
    for (const name of CX_LABS) {
      const parsed = cxParseNumber(labFields[name].input.value);
      if (parsed.error) errors[name] = `${rules.units.analytes[name].label}: ${parsed.error}`;
      else if (!parsed.missing) labsOut[name] = { value: parsed.value, unit: CX_UNITS[units][name] };
    }
    const history = {};
    for (const [key, input] of Object.entries(toggles)) {
      if (input.checked && key.startsWith("history.")) history[key.slice(8)] = {};
    }
    if (history.warfarin) {
      const parsed = cxParseNumber(warfarinDays.value);
      if (parsed.error) errors.warfarin_days = `Days since warfarin was started: ${parsed.error}`;
      else if (!parsed.missing) history.warfarin = { days: parsed.value };
    }
    const pick = (group) => Object.entries(toggles).filter(([k, i]) => i.checked && k.startsWith(`${group}.`)).map(([k]) => k.slice(group.length + 1));
    const base = model.get("scenario") ?? {};
    return {
      scenario: { patient: base.patient ?? {}, labs: labsOut, history, findings: pick("finding"), histology: pick("histology") },
      errors,
    };
  }

  function fieldOf(path) {
    // Map an evaluator field path (e.g. "labs.calcium.value") to a form field.
    for (const name of CX_LABS) if (path.includes(name)) return name;
    if (path.includes("warfarin")) return "warfarin_days";
    return null;
  }

  function showErrors(errors) {
    const fields = { ...labFields, warfarin_days: { input: warfarinDays, error: warfarinError } };
    for (const [name, f] of Object.entries(fields)) {
      f.error.textContent = errors[name] ?? "";
      if (errors[name]) f.input.setAttribute("aria-invalid", "true");
      else f.input.removeAttribute("aria-invalid");
    }
  }

  function refLinks(keys) {
    const base = model.get("bibliography_url");
    const labels = model.get("ref_labels") ?? {};
    const span = cxEl("span", { class: "cx-refs" });
    keys.forEach((key, i) => {
      const info = labels[key] ?? { label: key, list: 1 };
      const text = info.label;
      span.append(i ? "; " : "(", base ? cxEl("a", { href: `${base}#ref-${info.list}-${key}`, text }) : text);
    });
    if (keys.length) span.append(")");
    return span;
  }

  function derivedTable(d) {
    const rows = [];
    const u = CX_UNITS[units];
    const dec = (analyte, unit) => rules.units.analytes[analyte].units[unit]?.decimals ?? 2;
    const val = (obj, unit, decimals) =>
      obj && obj[unit] != null ? `${cxFormat(obj[unit], decimals)} ${cxUnitText(unit)}` : "not available";
    rows.push(["Corrected calcium", val(d.corrected_calcium, u.calcium, dec("calcium", u.calcium)), d.bands?.calcium?.label]);
    rows.push(["Phosphate", val(d.values?.phosphate, u.phosphate, dec("phosphate", u.phosphate)), d.bands?.phosphate?.label]);
    const capUnit = units === "SI" ? "mmol2/L2" : "mg2/dL2";
    rows.push(["Ca × P", val(d.ca_x_p, capUnit, units === "SI" ? rules.bands.cap.decimals_mmol : rules.bands.cap.decimals_mg), d.bands?.ca_x_p?.label]);
    rows.push(["Kidney function", d.gfr_category ?? "not available", d.bands?.gfr?.label]);
    rows.push(["PTH", d.pth_x_uln != null ? `${d.pth_x_uln} × upper limit` : "not available", d.bands?.pth_multiple?.label]);
    const table = cxEl("table", { class: "cx-derived" },
      cxEl("caption", { text: "Derived values" }),
      cxEl("thead", {}, cxEl("tr", {}, ...["Value", "Result", "Band"].map((h) => cxEl("th", { scope: "col", text: h })))));
    const body = cxEl("tbody");
    for (const [name, result, band] of rows) body.append(cxEl("tr", {}, cxEl("th", { scope: "row", text: name }), cxEl("td", { text: result }), cxEl("td", { text: band ?? "" })));
    table.append(body);
    const caveats = d.corrected_calcium?.caveats ?? [];
    return cxEl("div", {}, table, caveats.length ? cxEl("ul", { class: "cx-caveats" }, ...caveats.map((c) => cxEl("li", { text: c }))) : null);
  }

  function showAssessment(a) {
    results.replaceChildren();
    results.append(cxEl("div", { class: "cx-grid" }, derivedTable(a.derived), cxEl("figure", { class: "cx-figure" },
      cxPlane(rules, a.derived, units), cxEl("figcaption", { text: "Corrected calcium against phosphate. Box: adult reference ranges. Curves: Ca × P of 55 and 70 mg²/dL²." }))));
    if (a.warnings?.length) results.append(cxEl("ul", { class: "cx-warnings", "aria-label": "Warnings" }, ...a.warnings.map((w) => cxEl("li", { text: w.message ?? w }))));
    const list = cxEl("ol", { class: "cx-conditions", "aria-label": "Conditions, most consistent first" });
    for (const c of a.conditions) {
      const item = cxEl("li", { class: `cx-condition cx-${c.verdict}`, "data-id": c.id },
        cxEl("p", { class: "cx-cond-head" }, cxEl("span", { class: "cx-verdict", text: c.verdict_label }), " ", cxEl("strong", { text: c.name })));
      if (c.reasons.length) {
        item.append(cxEl("ul", { class: "cx-reasons" }, ...c.reasons.map((r) => cxEl("li", {},
          `${r.text} `, refLinks(r.cite), r.beyond ? cxEl("span", { class: "cx-beyond", text: " beyond the article" }) : null))));
      }
      if (c.missing?.length) item.append(cxEl("p", { class: "cx-missing" }, cxEl("strong", { text: "What would decide: " }), c.missing.join(" ")));
      item.append(cxEl("p", { class: "cx-confirm" }, cxEl("strong", { text: "What confirms it: " }), c.confirm));
      list.append(item);
    }
    results.append(cxEl("details", { class: "cx-details" }, cxEl("summary", { text: "Reference ranges used (beyond the article)" }),
      cxEl("ul", {}, ...Object.values(rules.ranges).map((r) => cxEl("li", {}, `${r.label} `, refLinks(r.cite ?? [])))),
      cxEl("p", { text: "Ranges vary between laboratories and assays: use your local laboratory's ranges." })));
    results.append(cxEl("p", { class: "cx-summary", text: a.summary }), list);
    if (a.lookalikes?.length) {
      results.append(cxEl("p", { class: "cx-sub", text: "Look-alikes the findings suggest" }),
        cxEl("ul", { class: "cx-lookalikes" }, ...a.lookalikes.map((l) => cxEl("li", { "data-id": l.id }, cxEl("strong", { text: l.name }), `: ${l.distinguish ?? ""} `,
          ...(l.reasons ?? []).map((r) => cxEl("span", {}, `${r.text} `, refLinks(r.cite)))))));
    }
    if (a.not_judged?.length) results.append(cxEl("p", { class: "cx-missing" }, cxEl("strong", { text: "Not judged for lack of data: " }), a.not_judged.map((n) => `${n.label} (${n.reason})`).join("; ")));
    results.append(cxEl("p", { class: "cx-edu", text: rules.education_note }));
    const top = a.conditions[0];
    const caUnit = CX_UNITS[units].calcium;
    const cca = a.derived.corrected_calcium?.[caUnit];
    status.textContent = `${a.summary} Corrected calcium ${cca == null ? "not available" : `${cxFormat(cca, rules.units.analytes.calcium.units[caUnit].decimals)} ${cxUnitText(caUnit)}`}.`;
    el.dataset.top = top ? top.id : "";
  }

  function update({ sync = true } = {}) {
    const { scenario, errors } = readScenario();
    let assessment = null;
    if (!Object.keys(errors).length) {
      try {
        assessment = assess(rules, scenario);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        for (const e of err.errors) {
          const name = fieldOf(e.field);
          const label = name === "warfarin_days" ? "Days since warfarin was started" : rules.units.analytes[name]?.label;
          if (name) errors[name] ??= label && !e.message.includes(label) ? `${label}: ${e.message}` : e.message;
          else errors._form ??= e.message;
        }
      }
    }
    showErrors(errors);
    if (assessment) showAssessment(assessment);
    else status.textContent = `Check the highlighted field: ${Object.values(errors)[0]}`;
    if (sync) {
      lastSent = JSON.stringify(scenario);
      model.set("scenario", scenario);
      model.set("units", units);
      model.save_changes();
    }
  }

  presetSelect.addEventListener("change", () => {
    const preset = rules.presets.find((p) => p.id === presetSelect.value);
    model.set("preset", presetSelect.value);
    if (preset) fillInputs(preset.scenario);
    update();
  });
  function switchUnits(next) {
    if (next === units) return;
    // Convert what was entered, so that the values are the same measurements in new units.
    const { scenario } = readScenario();
    units = next;
    for (const r of unitBox.querySelectorAll("input")) r.checked = r.value === next;
    setLabUnits();
    fillInputs(scenario);
    update();
  }
  unitBox.addEventListener("change", (event) => switchUnits(event.target.value));
  root.addEventListener("input", (event) => {
    if (event.target.type === "radio" || event.target === presetSelect) return;
    if (event.target.type !== "checkbox" && presetSelect.value) presetSelect.value = "";
    update();
  });
  root.addEventListener("change", (event) => {
    if (event.target.type === "checkbox") update();
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

  presetSelect.value = model.get("preset") || "";
  setLabUnits();
  fillInputs(model.get("scenario") ?? {});
  update({ sync: false });
}

export default { render };
