// The explorer's state as plain data and every learner action as an event: `update(state,
// event)` returns the next state and touches no DOM and no model (tests/js/explorer-state.test.mjs
// runs it under node --test). explorer.js draws the state and wires it to the page.
//
// Invariants: what the learner typed is kept as typed, with the unit it was typed in, and only
// shown converted (a unit switch there and back gives the text entered; invalid text survives
// a switch); only an explicit event (a case chosen, a reset, a scenario from Python) replaces
// it. A committed answer changes only through another commit, and every commit is appended to
// `attempts` (the first is never overwritten).
import { assess, convert, ValidationError } from "./clinical.js";

const SECTIONS = { history: "history", finding: "findings", histology: "histology" };

// ---- text helpers (pure)
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

export function fixed(value, decimals) {
  return value == null || Number.isNaN(value) ? "" : Number(value).toFixed(decimals);
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

// ---- what practice must not give away: the names of conditions and look-alikes (and their
// short forms, and a name's first word where no input label uses it, e.g. "metastatic")
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
export function leakWords(rules) {
  const labels = rules.vocabulary.items.map((i) => i.label.toLowerCase()).join(" | ");
  const words = new Set();
  for (const c of [...rules.conditions, ...rules.lookalikes]) {
    const name = c.name.replace(/\s*\(.*\)\s*$/, "");
    words.add(name);
    if (c.short) words.add(c.short);
    const first = name.split(/\s+/)[0];
    if (first !== name && !labels.includes(first.toLowerCase())) words.add(first);
  }
  return [...words];
}

function mentions(text, words) {
  return words.some((w) => new RegExp(`(^|[^\\w])${escapeRe(w)}([^\\w]|$)`, "i").test(text));
}

// The text with every parenthesis, clause or sentence that names a condition left out
// ("Above 70 mg2/dL2: the classic metastatic-calcification threshold" -> "Above 70 mg2/dL2.").
export function neutralText(text, words) {
  let t = String(text ?? "");
  if (!mentions(t, words)) return t;
  t = t.replace(/\s*\([^()]*\)/g, (m) => (mentions(m, words) ? "" : m));
  const kept = [];
  for (const clause of t.split(/(?<=[.;:])\s+/)) {
    if (mentions(clause, words)) break;
    kept.push(clause);
  }
  const out = kept
    .join(" ")
    .replace(/[;:,]\s*$/, "")
    .trim();
  return out && !/[.!?]$/.test(out) ? `${out}.` : out;
}

// ---- what the rules data holds, read once
// SI is each analyte's canonical unit; the conventional unit is the first other unit listed
// (mg/dL, g/dL, pg/mL, ng/mL), or the canonical one where there is none (eGFR).
export function context(rules, mode = "open") {
  const analytes = rules.units.analytes;
  const labs = Object.keys(analytes);
  const units = { SI: {}, conventional: {} };
  for (const name of labs) {
    const a = analytes[name];
    units.SI[name] = a.canonical;
    units.conventional[name] = Object.keys(a.units).find((u) => u !== a.canonical) ?? a.canonical;
  }
  const warfarin = rules.vocabulary.items.find((i) => i.id === "warfarin");
  const practice = mode === "practice";
  const presets = practice ? rules.presets.filter((p) => p.case) : rules.presets;
  return {
    rules,
    practice,
    labs,
    units,
    warfarinLabel: warfarin?.params?.days?.label ?? "Days since warfarin was started",
    presets: presets.map((p, i) => ({
      id: p.id,
      // practice: the neutral case name under a neutral value; open: the title without its id
      value: practice ? `case-${i + 1}` : p.id,
      name: practice ? p.case : p.title.replace(new RegExp(`^${escapeRe(p.id)}:\\s*`), ""),
    })),
    names: Object.fromEntries([...rules.conditions, ...rules.lookalikes].map((x) => [x.id, x.name])),
    words: leakWords(rules),
    healthy: rules.presets.find((p) => p.id === "healthy")?.scenario?.labs ?? {},
  };
}

export const DAYS = "warfarin_days";

export function unitOf(state, name) {
  return state.ctx.units[state.units][name];
}

// ---- scenario <-> fields
// A stored value as text: padded to the unit's usual decimals (2.1 -> "2.10"), never rounded.
function valueText(rules, value, name, unit) {
  const text = String(value);
  const decimals = rules.units.analytes[name]?.units[unit]?.decimals;
  const have = (text.split(".")[1] ?? "").length;
  return decimals != null && have < decimals && /^-?\d+(\.\d*)?$/.test(text)
    ? Number(value).toFixed(decimals)
    : text;
}

function triValues(scenario) {
  const out = {};
  const record = (group, id, v) => {
    if (v === false) out[`${group}.${id}`] = "no";
    else if (v != null) out[`${group}.${id}`] = "yes";
  };
  for (const [group, key] of Object.entries(SECTIONS)) {
    const items = scenario[key] ?? [];
    if (!Array.isArray(items)) {
      for (const [id, v] of Object.entries(items)) record(group, id, v);
      continue;
    }
    for (const item of items) {
      if (typeof item === "string") record(group, item, true);
      else if (item && typeof item === "object")
        for (const [id, v] of Object.entries(item)) record(group, id, v);
    }
  }
  return out;
}

// The fields of a scenario (a preset's, Python's, or {} for a blank one).
export function fields(ctx, scenario = {}, units = "SI") {
  const labs = {};
  for (const name of ctx.labs) {
    const lab = scenario.labs?.[name];
    labs[name] =
      lab && lab.value != null
        ? { text: valueText(ctx.rules, lab.value, name, lab.unit), unit: lab.unit }
        : { text: "", unit: ctx.units[units][name] };
  }
  const hist = scenario.history;
  const days = hist && !Array.isArray(hist) ? hist.warfarin?.days : null;
  return {
    labs,
    tri: triValues(scenario),
    days: days == null ? "" : String(days),
    patient: scenario.patient ?? {},
  };
}

// The text a lab field shows in the current units: the entry itself, or its exact conversion.
export function shownText(state, name) {
  const origin = state.labs[name];
  const target = unitOf(state, name);
  if (origin.unit === target || origin.text.trim() === "") return origin.text;
  const parsed = parseNumber(origin.text, "");
  if (parsed.error) return origin.text; // invalid text is kept, with its message
  const decimals = state.ctx.rules.units.analytes[name].units[target]?.decimals ?? 2;
  try {
    return fixed(convert(state.ctx.rules, parsed.value, origin.unit, target, name), decimals);
  } catch {
    return origin.text;
  }
}

export function example(state, name) {
  if (name === DAYS) return "4";
  const { rules, healthy } = state.ctx;
  const unit = unitOf(state, name);
  const decimals = rules.units.analytes[name].units[unit]?.decimals ?? 2;
  const h = healthy[name];
  if (!h) return fixed(1, decimals);
  try {
    return fixed(h.unit === unit ? h.value : convert(rules, h.value, h.unit, unit, name), decimals);
  } catch {
    return String(h.value);
  }
}

export function labelOf(state, name) {
  return name === DAYS ? state.ctx.warfarinLabel : state.ctx.rules.units.analytes[name].label;
}

// Read the fields into a scenario. Text that is not a number is reported here; ranges and
// impossible values come back from the evaluator.
export function readScenario(state) {
  const errors = {};
  const labs = {};
  for (const name of state.ctx.labs) {
    const origin = state.labs[name];
    const parsed = parseNumber(origin.text, example(state, name));
    if (parsed.error) errors[name] = `${labelOf(state, name)}: ${parsed.error}`;
    else if (!parsed.missing) labs[name] = { value: parsed.value, unit: origin.unit };
  }
  const history = {};
  const present = { finding: [], histology: [] };
  for (const item of state.ctx.rules.vocabulary.items) {
    const value = state.tri[`${item.group}.${item.id}`];
    if (!value) continue;
    if (item.group === "history") history[item.id] = value === "yes" ? {} : false;
    else present[item.group]?.push(value === "yes" ? item.id : { [item.id]: false });
  }
  if (state.tri["history.warfarin"] === "yes") {
    const parsed = parseNumber(state.days, "4");
    if (parsed.error) errors[DAYS] = `${state.ctx.warfarinLabel}: ${parsed.error}`;
    else if (!parsed.missing) history.warfarin = { days: parsed.value };
  }
  const scenario = {
    patient: state.patient,
    labs,
    history,
    findings: present.finding,
    histology: present.histology,
  };
  return { scenario, errors };
}

function fieldOf(state, path) {
  for (const name of state.ctx.labs) if (path.includes(name)) return name;
  return path.includes("warfarin") ? DAYS : null;
}

// The scenario, the errors by field, and the assessment (null while a field is invalid).
export function derive(state) {
  const { scenario, errors } = readScenario(state);
  let assessment = null;
  if (!Object.keys(errors).length) {
    try {
      assessment = assess(state.ctx.rules, scenario);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const e of err.errors) {
        const name = fieldOf(state, e.field);
        const label = name && labelOf(state, name);
        if (name) errors[name] ??= label && !e.message.includes(label) ? `${label}: ${e.message}` : e.message;
        else errors._form ??= e.message;
      }
    }
  }
  return { scenario, errors, assessment };
}

// ---- practice
export function currentCase(state) {
  return state.ctx.rules.presets.find((p) => p.id === state.preset) ?? null;
}

export function hidden(state) {
  return state.ctx.practice && !state.committed;
}

export function feedbackText(state) {
  const a = state.committed;
  if (!a) return state.notice;
  const c = currentCase(state);
  const names = state.ctx.names;
  const taught = c ? [...c.taught.conditions, ...(c.taught.lookalike ? [c.taught.lookalike] : [])] : [];
  const taughtText = taught.map((t) => names[t] ?? t).join(" and ");
  if (!c || !taught.length)
    return "Your own values have no taught answer: compare your answer with the ranking below.";
  if (a.answer === "unsure") return `This case teaches: ${taughtText}. Read the evidence below.`;
  if (a.correct) return `Yes: this case teaches ${taughtText}. The evidence below shows why.`;
  return `Not quite: you chose ${names[a.answer]}; this case teaches ${taughtText}. Compare the evidence below.`;
}

function commit(state) {
  if (!state.choice) {
    return { ...state, notice: "Choose an answer first (or “I am not sure: show me”).", focus: "answer" };
  }
  const c = currentCase(state);
  const taught = c ? [...c.taught.conditions, ...(c.taught.lookalike ? [c.taught.lookalike] : [])] : [];
  const record = {
    case: c?.id ?? "",
    answer: state.choice,
    correct: c && taught.length ? taught.includes(state.choice) : null,
    revealed: true,
  };
  return {
    ...state,
    committed: record,
    attempts: [...state.attempts, record],
    notice: "",
    focus: "feedback",
  };
}

// ---- the state and its transitions
export function initialState(data, saved = {}) {
  const ctx = context(data.rules, data.mode);
  const units = saved.units === "conventional" ? "conventional" : "SI";
  const start = ctx.presets.find((p) => p.id === saved.preset);
  // a preset's scenario comes from the rules data (the site follows a preset edit)
  const preset = start ? ctx.rules.presets.find((p) => p.id === start.id) : null;
  const state = {
    ctx,
    units,
    preset: preset ? preset.id : "",
    ...fields(ctx, preset ? preset.scenario : (saved.scenario ?? {}), units),
    choice: "",
    committed: null,
    attempts: [],
    notice: "",
    lastField: null,
    focus: null,
  };
  const answer = saved.answer ?? {};
  if (ctx.practice && answer.revealed && answer.case && answer.case === state.preset) {
    const record = {
      case: answer.case,
      answer: answer.answer ?? "",
      correct: answer.correct ?? null,
      revealed: true,
    };
    return { ...state, choice: record.answer, committed: record, attempts: [record] };
  }
  return state;
}

// In open mode an edit leaves the preset (the values are no longer the preset's); in practice
// the case stays chosen while the learner tries values.
function edited(state, changes) {
  const leave = !state.ctx.practice && state.preset;
  return { ...state, ...changes, preset: leave ? "" : state.preset, focus: null };
}

function fresh(state, preset) {
  const scenario = preset ? preset.scenario : {};
  return { ...state, ...fields(state.ctx, scenario, state.units), choice: "", committed: null, notice: "" };
}

export function update(state, event) {
  switch (event.type) {
    case "type": {
      if (event.name === DAYS) return edited(state, { days: event.text, lastField: DAYS });
      const labs = { ...state.labs, [event.name]: { text: event.text, unit: unitOf(state, event.name) } };
      return edited(state, { labs, lastField: event.name });
    }
    case "tri":
      return edited(state, { tri: { ...state.tri, [event.key]: event.value } });
    case "units":
      // the entries keep their text and unit; the fields show them converted (shownText)
      return event.units === state.units || !state.ctx.units[event.units]
        ? state
        : { ...state, units: event.units, focus: null };
    case "preset": {
      // a case replaces the values (and hides a practice ranking again); "your own" keeps them
      const preset = state.ctx.rules.presets.find((p) => p.id === event.id) ?? null;
      const next = preset ? fresh(state, preset) : { ...state, choice: "", committed: null, notice: "" };
      return { ...next, preset: preset ? preset.id : "", focus: null };
    }
    case "choose":
      return { ...state, choice: event.choice, notice: "", focus: null };
    case "commit":
      return commit(state);
    case "review":
      // back to the case's own values after exploring, the committed answer kept
      return { ...state, ...fields(state.ctx, currentCase(state)?.scenario ?? {}, state.units), focus: null };
    case "reset":
      // the case again from the start: values, answer and ranking; earlier attempts stay recorded
      return { ...fresh(state, currentCase(state)), focus: "answer" };
    case "load":
      // a scenario set from Python
      return edited(state, fields(state.ctx, event.scenario ?? {}, state.units));
    case "field":
      return state.lastField === event.name ? state : { ...state, lastField: event.name };
    default:
      throw new Error(`unknown explorer event ${event.type}`);
  }
}

// What the model (and a kernel) keeps of the state.
export function toModel(state, scenario) {
  return { scenario, units: state.units, preset: state.preset, answer: state.committed ?? {} };
}
