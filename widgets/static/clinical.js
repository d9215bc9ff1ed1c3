// Browser-side evaluator of the clinical model: a plain ES module, no dependencies, no DOM.
//
// It interprets the knowledge exported by the Python model (`widgets.clinical.rules_json()`,
// or `python -m widgets rules-json`) and gives exactly the same result as
// `widgets.clinical.assess(...).to_dict()`, including the same validation errors
// (field + message). Keep it line for line with widgets/clinical/{numbers,scenario,model}.py;
// tests/test_parity.py runs shared test vectors through both and compares them exactly.
//
// For education, not for clinical decisions.

// ------------------------------------------------------------------------------ errors
export class ClinicalError extends Error {
  constructor(field, message) {
    super(field ? `${field}: ${message}` : message);
    this.name = "ClinicalError";
    this.field = field;
    this.message = message;
  }
}

export class ValidationError extends ClinicalError {
  constructor(errors) {
    if (!errors || errors.length === 0) errors = [{ field: "scenario", message: "invalid" }];
    super(errors[0].field, errors[0].message);
    this.name = "ValidationError";
    this.errors = errors.map((e) => ({ field: e.field, message: e.message }));
  }

  toDict() {
    return { error: "ValidationError", errors: this.errors };
  }
}

// ------------------------------------------------------------------------------ numbers
// Round half away from zero on the shortest decimal representation (String(x) in JS, repr(x)
// in Python: the same digits), never on the binary value; see widgets/clinical/numbers.py.
const POW10 = [1];
for (let i = 1; i <= 22; i++) POW10.push(POW10[i - 1] * 10);

function shortestDigits(x) {
  let s = String(Math.abs(x));
  let exp = 0;
  const e = s.indexOf("e");
  if (e >= 0) {
    exp = parseInt(s.slice(e + 1), 10);
    s = s.slice(0, e);
  }
  const dot = s.indexOf(".");
  const intPart = dot >= 0 ? s.slice(0, dot) : s;
  const fracPart = dot >= 0 ? s.slice(dot + 1) : "";
  const digits = intPart + fracPart;
  let point = intPart.length + exp;
  let stripped = digits.replace(/^0+/, "");
  point -= digits.length - stripped.length;
  stripped = stripped.replace(/0+$/, "");
  if (!stripped) return ["0", 1];
  return [stripped, point];
}

function incrementDigits(s) {
  const d = s.split("");
  let i = d.length - 1;
  while (i >= 0) {
    if (d[i] === "9") {
      d[i] = "0";
      i -= 1;
    } else {
      d[i] = String.fromCharCode(d[i].charCodeAt(0) + 1);
      return d.join("").replace(/^0+(?=\d)/, "");
    }
  }
  return ("1" + d.join("")).replace(/^0+(?=\d)/, "");
}

function roundDigits(x, decimals) {
  if (x === 0) return "0";
  const [digits, point] = shortestDigits(x);
  const cut = point + decimals;
  if (cut < 0) return "0";
  if (cut >= digits.length) return digits + "0".repeat(cut - digits.length);
  const whole = (cut > 0 ? digits.slice(0, cut) : "0").replace(/^0+(?=\d)/, "");
  if (digits[cut] >= "5") return incrementDigits(whole);
  return whole;
}

export function roundScaled(x, decimals) {
  const n = Number(roundDigits(x, decimals));
  return x < 0 ? -n : n;
}

export function roundHalfAway(x, decimals) {
  return roundScaled(x, decimals) / POW10[decimals];
}

export function fmt(x, decimals = 6) {
  if (x === 0) return "0";
  const ax = Math.abs(x);
  const sign = x < 0 ? "-" : "";
  if (ax >= 1e15 || ax < 1 / POW10[decimals]) {
    const [digits, point] = shortestDigits(x);
    const mant = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "");
    return `${sign}${mant}e${point - 1}`;
  }
  const s = roundDigits(ax, decimals).padStart(decimals + 1, "0");
  const intPart = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, "");
  return sign + intPart + (frac ? "." + frac : "");
}

// ------------------------------------------------------------------------------ helpers
const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
const get = (o, k) => (hasOwn(o, k) ? o[k] : undefined);
const isNone = (v) => v === null || v === undefined;
const isMapping = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function typeName(v) {
  if (isNone(v)) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "text";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "mapping";
  return "other";
}

function cmpCodePoints(a, b) {
  const ca = Array.from(a, (c) => c.codePointAt(0));
  const cb = Array.from(b, (c) => c.codePointAt(0));
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
  return ca.length - cb.length;
}

function asciiLower(s) {
  let out = "";
  for (const c of s) out += c >= "A" && c <= "Z" ? String.fromCharCode(c.charCodeAt(0) + 32) : c;
  return out;
}

function normaliseUnit(u) {
  let out = "";
  for (const c of u) {
    if (c >= "A" && c <= "Z") out += String.fromCharCode(c.charCodeAt(0) + 32);
    else if (c === " ") continue;
    else if (c === "\u00b2") out += "2";
    else out += c;
  }
  return out;
}

function fill(text, kw) {
  // One pass, as in Python (scenario.fill): a value containing "{x}" is not filled again.
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (m, name) => (hasOwn(kw, name) ? String(kw[name]) : m));
}

const msg = (K, key, kw = {}) => fill(K.messages.validation[key], kw);
const warn = (K, key, kw = {}) => fill(K.messages.warnings[key], kw);

function number(v) {
  if (typeof v !== "number") return [null, "not_number"];
  if (!Number.isFinite(v)) return [null, "not_finite"];
  return [v, null];
}

function toCanonical(K, analyte, value, unit) {
  const spec = K.units.analytes[analyte].units[unit];
  if (hasOwn(spec, "multiply")) return value * spec.multiply;
  if (hasOwn(spec, "divide")) return value / spec.divide;
  return value;
}

function fromCanonical(K, analyte, value, unit) {
  const spec = K.units.analytes[analyte].units[unit];
  if (hasOwn(spec, "multiply")) return value / spec.multiply;
  if (hasOwn(spec, "divide")) return value * spec.divide;
  return value;
}

function resolveUnit(K, analyte, unit) {
  const spec = K.units.analytes[analyte];
  if (hasOwn(spec.units, unit)) return [unit, null];
  const n = normaliseUnit(unit);
  for (const u of Object.keys(spec.units)) if (normaliseUnit(u) === n) return [u, null];
  const aliases = spec.aliases || {};
  if (hasOwn(aliases, n)) return [aliases[n], null];
  const rejected = spec.rejected || {};
  if (hasOwn(rejected, n)) return [null, rejected[n]];
  return [null, "unknown"];
}

// ------------------------------------------------------------------------------ scenario
const TOP_KEYS = ["patient", "labs", "history", "findings", "histology", "meta"];
const PATIENT_KEYS = ["age", "sex", "bmi"];
const LAB_KEYS = ["value", "unit"];
const SECTIONS = [["history", "history"], ["findings", "finding"], ["histology", "histology"]];

class Collector {
  constructor(K) {
    this.K = K;
    this.errors = [];
  }

  add(field, key, kw) {
    this.errors.push({ field, message: msg(this.K, key, kw) });
  }

  keys(where, mapping, accepted) {
    let ok = true;
    const unknown = Object.keys(mapping).filter((k) => !accepted.includes(k)).sort(cmpCodePoints);
    for (const key of unknown) {
      this.add((where ? `${where}.${key}` : key) || "scenario", "unknown_key", { key, accepted: accepted.join(", ") });
      ok = false;
    }
    return ok;
  }

  number(where, v) {
    const [f, problem] = number(v);
    if (problem === "not_number") this.add(where, "not_number", { type: typeName(v) });
    else if (problem) this.add(where, problem);
    return f;
  }
}

function limitValue(K, analyte, unit, canonicalValue) {
  const dec = K.units.analytes[analyte].units[unit].decimals;
  return roundHalfAway(fromCanonical(K, analyte, canonicalValue, unit), dec);
}

/** Validate a scenario object; returns the normalised scenario or throws ValidationError. */
export function parseScenario(K, data) {
  const c = new Collector(K);
  const sc = { patient: { age: null, sex: null, bmi: null }, labs: {}, history: {}, findings: [], histology: [] };
  if (!isMapping(data)) {
    c.add("scenario", "not_mapping", { type: typeName(data) });
    throw new ValidationError(c.errors);
  }
  c.keys("", data, TOP_KEYS);
  parsePatient(c, K, get(data, "patient"), sc);
  parseLabs(c, K, get(data, "labs"), sc);
  for (const [section, group] of SECTIONS) parseItems(c, K, section, group, get(data, section), sc);
  if (c.errors.length) throw new ValidationError(c.errors);
  return sc;
}

/** {ok: true, scenario} or {ok: false, errors: [{field, message}]}, for inline messages. */
export function validateScenario(K, data) {
  try {
    return { ok: true, scenario: parseScenario(K, data), errors: [] };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, scenario: null, errors: e.errors };
    throw e;
  }
}

function parsePatient(c, K, p, sc) {
  if (isNone(p)) return;
  if (!isMapping(p)) {
    c.add("patient", "not_mapping", { type: typeName(p) });
    return;
  }
  c.keys("patient", p, PATIENT_KEYS);
  const spec = K.units.patient;
  for (const key of ["age", "bmi"]) {
    if (isNone(get(p, key))) continue;
    const where = `patient.${key}`;
    const f = c.number(where, p[key]);
    if (f === null) continue;
    const [lo, hi] = spec[key].accept;
    if (f < 0) c.add(where, "negative", { value: fmt(f) });
    else if (f < lo || f > hi)
      c.add(where, "out_of_range", { value: fmt(f), unit: spec[key].unit, label: spec[key].label, min: fmt(lo), max: fmt(hi) });
    else sc.patient[key] = f;
  }
  const v = get(p, "sex");
  if (!isNone(v)) {
    if (typeof v !== "string") c.add("patient.sex", "not_text", { type: typeName(v) });
    else if (!spec.sex.values.includes(asciiLower(v)))
      c.add("patient.sex", "bad_choice", { value: v, accepted: spec.sex.values.join(", ") });
    else sc.patient.sex = asciiLower(v);
  }
}

function parseLabs(c, K, labs, sc) {
  if (isNone(labs)) return;
  if (!isMapping(labs)) {
    c.add("labs", "not_mapping", { type: typeName(labs) });
    return;
  }
  const analytes = K.units.analytes;
  c.keys("labs", labs, Object.keys(analytes));
  for (const [a, spec] of Object.entries(analytes)) {
    const entry = get(labs, a);
    if (isNone(entry)) continue;
    const where = `labs.${a}`;
    const acceptedUnits = Object.keys(spec.units).join(", ");
    if (!isMapping(entry)) {
      c.add(where, "lab_not_mapping", { label: spec.label, type: typeName(entry) });
      continue;
    }
    c.keys(where, entry, LAB_KEYS);
    if (isNone(get(entry, "value"))) continue;
    const f = c.number(`${where}.value`, entry.value);
    const unit = get(entry, "unit");
    if (isNone(unit)) {
      c.add(`${where}.unit`, "unit_missing", { label: spec.label, accepted: acceptedUnits });
      continue;
    }
    if (typeof unit !== "string") {
      c.add(`${where}.unit`, "not_text", { type: typeName(unit) });
      continue;
    }
    const [resolved, reason] = resolveUnit(K, a, unit);
    if (resolved === null) {
      if (reason === "unknown") c.add(`${where}.unit`, "unknown_unit", { unit, label: spec.label, accepted: acceptedUnits });
      else c.errors.push({ field: `${where}.unit`, message: reason });
      continue;
    }
    if (f === null) continue;
    if (f < 0) {
      c.add(`${where}.value`, "negative", { value: fmt(f) });
      continue;
    }
    const lo = limitValue(K, a, resolved, spec.accept[0]);
    const hi = limitValue(K, a, resolved, spec.accept[1]);
    if (f < lo || f > hi) {
      c.add(`${where}.value`, "out_of_range", { value: fmt(f), unit: resolved, label: spec.label, min: fmt(lo), max: fmt(hi) });
      continue;
    }
    sc.labs[a] = { value: f, unit: resolved, canonical: toCanonical(K, a, f, resolved) };
  }
}

function parseItems(c, K, section, group, value, sc) {
  const vocab = {};
  for (const i of K.vocabulary.items) vocab[i.id] = i;
  const present = new Map();
  let pairs = [];
  if (isNone(value)) pairs = [];
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === "string") pairs.push([item, true]);
      else if (isMapping(item) && Object.keys(item).length === 1) {
        const key = Object.keys(item)[0];
        pairs.push([key, item[key]]);
      } else c.add(`${section}[${i}]`, "bad_item", { type: typeName(item) });
    });
  } else if (isMapping(value)) {
    pairs = Object.keys(value).sort(cmpCodePoints).map((k) => [k, value[k]]);
  } else {
    c.add(section, "not_list", { type: typeName(value) });
  }
  for (const [itemId, v] of pairs) {
    const where = `${section}.${itemId}`;
    const item = hasOwn(vocab, itemId) ? vocab[itemId] : undefined;
    if (item === undefined || item.group !== group) {
      c.add(where, "unknown_item", { group, item: itemId });
      continue;
    }
    if (v === false || isNone(v)) {
      present.delete(itemId);
      continue;
    }
    const params = item.params || {};
    if (v === true) {
      const none = {};
      for (const p of Object.keys(params)) none[p] = null;
      present.set(itemId, none);
      continue;
    }
    if (!isMapping(v)) {
      c.add(where, "item_value", { type: typeName(v) });
      continue;
    }
    if (Object.keys(params).length === 0) {
      if (Object.keys(v).length) {
        c.add(where, "no_params", { item: itemId });
        continue;
      }
      present.set(itemId, {});
      continue;
    }
    if (!c.keys(where, v, Object.keys(params))) continue;
    const values = {};
    let good = true;
    for (const [pname, pspec] of Object.entries(params)) {
      const pv = get(v, pname);
      if (isNone(pv)) {
        values[pname] = null;
        continue;
      }
      const pwhere = `${where}.${pname}`;
      const f = c.number(pwhere, pv);
      if (f === null) {
        good = false;
        continue;
      }
      if (pspec.integer && f !== Math.floor(f)) {
        c.add(pwhere, "not_integer");
        good = false;
      } else if (f < pspec.min || f > pspec.max) {
        c.add(pwhere, "param_range", { value: fmt(f), label: pspec.label, min: fmt(pspec.min), max: fmt(pspec.max) });
        good = false;
      } else values[pname] = f;
    }
    if (good) present.set(itemId, values);
  }
  const order = K.vocabulary.items.filter((i) => i.group === group).map((i) => i.id);
  if (section === "history") {
    for (const i of order) if (present.has(i)) sc.history[i] = present.get(i);
  } else {
    sc[section] = order.filter((i) => present.has(i));
  }
}

// ------------------------------------------------------------------------------ evaluator
export function evaluate(expr, facts) {
  if (typeof expr === "string") return facts[expr];
  if (hasOwn(expr, "all")) {
    const vals = expr.all.map((e) => evaluate(e, facts));
    if (vals.some((v) => v === false)) return false;
    return vals.some((v) => v === null) ? null : true;
  }
  if (hasOwn(expr, "any")) {
    const vals = expr.any.map((e) => evaluate(e, facts));
    if (vals.some((v) => v === true)) return true;
    return vals.some((v) => v === null) ? null : false;
  }
  if (hasOwn(expr, "not")) {
    const v = evaluate(expr.not, facts);
    return v === null ? null : !v;
  }
  const v = facts[expr.fact];
  if (v === null) return null;
  if (hasOwn(expr, "in")) return expr.in.includes(v);
  let ok = true;
  if (hasOwn(expr, "min") && !(v >= expr.min)) ok = false;
  if (hasOwn(expr, "max") && !(v <= expr.max)) ok = false;
  if (hasOwn(expr, "below") && !(v < expr.below)) ok = false;
  if (hasOwn(expr, "above") && !(v > expr.above)) ok = false;
  return ok;
}

function resolveRanges(K, ranges) {
  const out = {};
  for (const [a, r] of Object.entries(K.ranges)) out[a] = { low: r.low, high: r.high, source: "default" };
  if (isNone(ranges)) return out;
  const errors = [];
  const analytes = K.units.analytes;
  if (!isMapping(ranges)) throw new ValidationError([{ field: "ranges", message: msg(K, "not_mapping", { type: typeName(ranges) }) }]);
  const known = Object.keys(K.ranges);
  for (const key of Object.keys(ranges).filter((k) => !known.includes(k)).sort(cmpCodePoints))
    errors.push({ field: `ranges.${key}`, message: msg(K, "range_analyte", { key, accepted: known.join(", ") }) });
  for (const a of known) {
    const r = get(ranges, a);
    if (isNone(r)) continue;
    const where = `ranges.${a}`;
    if (!isMapping(r)) {
      errors.push({ field: where, message: msg(K, "range_not_mapping", { type: typeName(r) }) });
      continue;
    }
    const unknown = Object.keys(r).filter((k) => !["low", "high", "unit"].includes(k)).sort(cmpCodePoints);
    for (const key of unknown)
      errors.push({ field: `${where}.${key}`, message: msg(K, "unknown_key", { key, accepted: "low, high, unit" }) });
    if (unknown.length) continue;
    const vals = {};
    for (const bound of ["low", "high"]) {
      const raw = get(r, bound);
      const [f, problem] = number(raw);
      if (problem === "not_number") errors.push({ field: `${where}.${bound}`, message: msg(K, "not_number", { type: typeName(raw) }) });
      else if (problem) errors.push({ field: `${where}.${bound}`, message: msg(K, problem) });
      else vals[bound] = f;
    }
    const unit = hasOwn(r, "unit") ? r.unit : K.ranges[a].unit;
    const spec = analytes[a];
    if (typeof unit !== "string") {
      errors.push({ field: `${where}.unit`, message: msg(K, "not_text", { type: typeName(unit) }) });
      continue;
    }
    const [resolved, reason] = resolveUnit(K, a, unit);
    if (resolved === null) {
      const text = reason === "unknown" ? msg(K, "unknown_unit", { unit, label: spec.label, accepted: Object.keys(spec.units).join(", ") }) : reason;
      errors.push({ field: `${where}.unit`, message: text });
      continue;
    }
    if (Object.keys(vals).length < 2) continue;
    if (vals.low < 0 || vals.high < 0) {
      const bound = vals.low < 0 ? "low" : "high";
      errors.push({ field: `${where}.${bound}`, message: msg(K, "negative", { value: fmt(vals[bound]) }) });
      continue;
    }
    if (!(vals.low < vals.high)) {
      errors.push({ field: where, message: msg(K, "range_order", { low: fmt(vals.low), high: fmt(vals.high) }) });
      continue;
    }
    out[a] = { low: toCanonical(K, a, vals.low, resolved), high: toCanonical(K, a, vals.high, resolved), source: "local" };
  }
  if (errors.length) throw new ValidationError(errors);
  return out;
}

function allUnits(K, analyte, canonicalValue) {
  const out = {};
  for (const [u, spec] of Object.entries(K.units.analytes[analyte].units))
    out[u] = roundHalfAway(fromCanonical(K, analyte, canonicalValue, u), spec.decimals);
  return out;
}

function band(bandDef, value, rng, facts) {
  if (hasOwn(bandDef, "override") && facts[bandDef.override.when] === true)
    return { id: bandDef.override.id, label: bandDef.override.label };
  if (isNone(value)) return null;
  const d = bandDef.decimals;
  const scaled = roundScaled(value, d);
  for (const b of bandDef.bands) {
    if (hasOwn(b, "below") || hasOwn(b, "upto")) {
      const bound = hasOwn(b, "below") ? b.below : b.upto;
      const limit = isMapping(bound) ? rng[bound.ref] : bound;
      const lim = roundScaled(limit, d);
      if ((hasOwn(b, "below") && scaled < lim) || (hasOwn(b, "upto") && scaled <= lim)) return { id: b.id, label: b.label };
    } else return { id: b.id, label: b.label };
  }
  return null;
}

function addUnique(list, text) {
  if (!list.includes(text)) list.push(text);
}

/**
 * Assess a scenario against the six conditions. `rulesData` is rules_json() from Python;
 * `ranges` (optional) replaces default reference ranges: {analyte: {low, high, unit}}.
 * Returns the same structure as Python's Assessment.to_dict(); throws ValidationError.
 */
export function assess(rulesData, scenarioInput, ranges = null) {
  const K = rulesData;
  const sc = parseScenario(K, scenarioInput);
  const rng = resolveRanges(K, ranges);
  const an = K.units.analytes;
  const labs = {};
  for (const a of Object.keys(an)) if (hasOwn(sc.labs, a)) labs[a] = sc.labs[a].canonical;
  const lab = (a) => (hasOwn(labs, a) ? labs[a] : null);
  const warnings = [];

  const pspec = K.units.patient;
  const age = sc.patient.age;
  if (age !== null && age < pspec.age.usual[0]) warnings.push({ field: "patient.age", message: K.messages.warnings.child });
  for (const key of ["age", "bmi"]) {
    const v = sc.patient[key];
    const [lo, hi] = pspec[key].usual;
    if (v === null) continue;
    if (v > hi || (key === "bmi" && v < lo))
      warnings.push({ field: `patient.${key}`, message: warn(K, "patient_unusual", { value: fmt(v), unit: pspec[key].unit, label: pspec[key].label, min: fmt(lo), max: fmt(hi) }) });
  }
  for (const [a, spec] of Object.entries(an)) {
    if (!hasOwn(sc.labs, a)) continue;
    const l = sc.labs[a];
    const c = l.canonical;
    const [lo, hi] = spec.usual;
    if (c < lo || c > hi) {
      const dec = spec.units[l.unit].decimals;
      warnings.push({
        field: `labs.${a}.value`,
        message: warn(K, "unusual", {
          value: fmt(l.value), unit: l.unit, label: spec.label,
          min: fmt(roundHalfAway(fromCanonical(K, a, lo, l.unit), dec)),
          max: fmt(roundHalfAway(fromCanonical(K, a, hi, l.unit), dec)),
        }),
      });
    }
  }

  const facts = {};
  for (const item of K.vocabulary.items) {
    const g = item.group;
    const i = item.id;
    if (g === "history") facts[`history.${i}`] = hasOwn(sc.history, i);
    else if (g === "finding") facts[`finding.${i}`] = sc.findings.includes(i);
    else facts[`histology.${i}`] = sc.histology.includes(i);
  }
  facts.sex = sc.patient.sex;
  facts.age = sc.patient.age;
  facts.bmi = sc.patient.bmi;
  facts.warfarin_days = hasOwn(sc.history, "warfarin") ? (isNone(sc.history.warfarin.days) ? null : sc.history.warfarin.days) : null;

  const bandsK = K.bands;
  const bands = bandsK.bands;
  const payne = bandsK.payne;
  const ca = lab("calcium");
  const alb = lab("albumin");
  const p = lab("phosphate");
  const albuminBand = hasOwn(bands, "albumin") ? band(bands.albumin, alb, rng.albumin, facts) : null;
  let corrected = null;
  if (ca !== null && alb !== null) corrected = ca + payne.coefficient * (payne.pivot_albumin - alb);
  let cab = null;
  let basis = null;
  if (ca !== null) {
    if (corrected === null) {
      cab = ca;
      basis = "measured";
      warnings.push({ field: "labs.albumin", message: K.messages.warnings.not_corrected });
    } else if (albuminBand !== null && albuminBand.id === "high") {
      cab = ca;
      basis = "measured";
      warnings.push({ field: "labs.albumin", message: K.messages.warnings.albumin_high });
    } else {
      cab = corrected;
      basis = "corrected";
    }
  }
  const cap = bandsK.cap;
  let capMmol = null;
  let capMg = null;
  if (cab !== null && p !== null) {
    capMmol = cab * p;
    capMg = (cab * cap.mg_factor_calcium) * (p * cap.mg_factor_phosphate);
  }
  let pthXUln = null;
  if (lab("pth") !== null) pthXUln = labs.pth / rng.pth.high;
  const sources = {
    calcium_for_bands: cab, phosphate: p, albumin: alb, cap_mg: capMg, egfr: lab("egfr"),
    pth: lab("pth"), pth_x_uln: pthXUln, vitamin_d: lab("vitamin_d"),
  };
  const sourceRange = { calcium_for_bands: "calcium", phosphate: "phosphate", albumin: "albumin", pth: "pth", vitamin_d: "vitamin_d" };
  const bandOut = {};
  for (const [name, b] of Object.entries(bands)) {
    const r = hasOwn(sourceRange, b.source) && hasOwn(rng, sourceRange[b.source]) ? rng[sourceRange[b.source]] : {};
    bandOut[name] = band(b, sources[b.source], r, facts);
  }
  for (const [fname, spec] of Object.entries(K.facts.computed)) {
    if (hasOwn(spec, "band")) {
      const b = bandOut[spec.band];
      facts[fname] = b ? b.id : null;
    }
  }
  if (facts["history.dialysis"] && hasOwn(sc.labs, "egfr"))
    warnings.push({ field: "labs.egfr.value", message: warn(K, "dialysis_egfr", { value: fmt(sc.labs.egfr.value) }) });
  for (const a of Object.keys(K.ranges)) {
    if (rng[a].source === "local") {
      const unit = an[a].canonical;
      const dec = an[a].units[unit].decimals;
      warnings.push({
        field: `ranges.${a}`,
        message: warn(K, "local_range", { label: an[a].label, low: fmt(roundHalfAway(rng[a].low, dec)), high: fmt(roundHalfAway(rng[a].high, dec)), unit }),
      });
    }
  }

  const flags = {};
  for (const [name, comp] of Object.entries(K.facts.composites)) {
    facts[name] = evaluate(comp.when, facts);
    flags[name] = facts[name];
  }

  const derived = {
    values: {},
    corrected_calcium: null,
    calcium_for_bands: null,
    ca_x_p: null,
    pth_x_uln: pthXUln === null ? null : roundHalfAway(pthXUln, bandsK.decimals.pth_x_uln),
    gfr_category: bandOut.gfr ? bandOut.gfr.id : null,
    bands: bandOut,
    ranges: {},
    flags,
  };
  for (const a of Object.keys(an)) if (hasOwn(labs, a)) derived.values[a] = allUnits(K, a, labs[a]);
  if (corrected !== null) {
    const cc = allUnits(K, "calcium", corrected);
    const caveats = payne.caveats.filter((cv) => evaluate(cv.when, facts) === true).map((cv) => cv.text);
    caveats.push(payne.always);
    cc.caveats = caveats;
    derived.corrected_calcium = cc;
  }
  if (cab !== null) derived.calcium_for_bands = { basis, ...allUnits(K, "calcium", cab) };
  if (capMmol !== null)
    derived.ca_x_p = { "mmol2/L2": roundHalfAway(capMmol, cap.decimals_mmol), "mg2/dL2": roundHalfAway(capMg, cap.decimals_mg), basis };
  for (const [a, r] of Object.entries(rng)) {
    const unit = an[a].canonical;
    const dec = an[a].units[unit].decimals;
    derived.ranges[a] = { low: roundHalfAway(r.low, dec), high: roundHalfAway(r.high, dec), unit, source: r.source };
  }

  const targets = {};
  for (const t of [...K.conditions, ...K.lookalikes]) targets[t.id] = { score: 0, reasons: [], caps: [], missing: [] };
  for (const rule of K.rules) {
    const t = targets[rule.target];
    const v = evaluate(rule.when, facts);
    if (v === null) {
      if (hasOwn(rule, "unknown")) addUnique(t.missing, rule.unknown);
      continue;
    }
    if (v === false) continue;
    if (hasOwn(rule, "hint")) {
      addUnique(t.missing, rule.text);
      continue;
    }
    const reason = { rule: rule.id, text: rule.text, cite: [...rule.cite], beyond: Boolean(rule.beyond) };
    if (hasOwn(rule, "points")) {
      t.score += rule.points;
      reason.points = rule.points;
      reason.cap = null;
    } else {
      t.caps.push(rule.cap);
      reason.points = null;
      reason.cap = rule.cap;
    }
    t.reasons.push(reason);
  }

  const verdictIds = K.verdicts.map((v) => v.id);
  const verdictLabel = {};
  const phrase = {};
  for (const v of K.verdicts) {
    verdictLabel[v.id] = v.label;
    phrase[v.id] = v.phrase;
  }
  const conditions = [];
  const notJudged = [];
  for (const [dId, d] of Object.entries(K.messages.derived)) {
    let lacking = d.needs.some((l) => !hasOwn(sc.labs, l));
    if (lacking && hasOwn(d, "unless") && facts[d.unless] === true) lacking = false;
    if (lacking) notJudged.push({ id: dId, label: d.label, reason: d.text });
  }
  K.conditions.forEach((c, order) => {
    const t = targets[c.id];
    let verdict = "unlikely";
    for (const v of K.verdicts) {
      if (hasOwn(v, "min_score") && t.score >= v.min_score) {
        verdict = v.id;
        break;
      }
    }
    for (const capv of t.caps) if (verdictIds.indexOf(capv) > verdictIds.indexOf(verdict)) verdict = capv;
    const missing = [...t.missing];
    if (verdict === "unlikely") {
      const unknownNeeds = c.needs.filter((n) => facts[n] === null);
      if (unknownNeeds.length) {
        verdict = "not-judged";
        const texts = [];
        for (const n of unknownNeeds) {
          const comp = K.facts.composites[n];
          const text = hasOwn(comp, "missing") ? comp.missing : comp.label;
          addUnique(missing, text);
          texts.push(text);
        }
        notJudged.push({ id: c.id, label: c.name, reason: K.messages.condition_not_judged.split("{missing}").join(texts.join("; ")) });
      }
    }
    conditions.push({
      id: c.id, name: c.name, verdict, verdict_label: verdictLabel[verdict], score: t.score,
      reasons: t.reasons, confirm: c.confirm, missing, _order: order,
    });
  });
  conditions.sort((x, y) => verdictIds.indexOf(x.verdict) - verdictIds.indexOf(y.verdict) || y.score - x.score || x._order - y._order);
  for (const x of conditions) delete x._order;
  const lookalikes = [];
  K.lookalikes.forEach((la, order) => {
    const t = targets[la.id];
    if (t.score >= K.lookalike_suggest_at)
      lookalikes.push({ id: la.id, name: la.name, score: t.score, reasons: t.reasons, distinguish: la.distinguish, _order: order });
  });
  lookalikes.sort((x, y) => y.score - x.score || x._order - y._order);
  for (const x of lookalikes) delete x._order;

  const top = conditions[0];
  const summary = top.verdict === "unlikely" || top.verdict === "not-judged"
    ? "No condition is more than unlikely on these data."
    : `The findings are ${phrase[top.verdict]} ${asciiLower(top.name)}.`;
  return {
    education_note: K.education_note,
    summary,
    derived,
    conditions,
    lookalikes,
    warnings,
    not_judged: notJudged,
  };
}

/** Convert a value of `analyte` between units (unrounded); throws ValidationError. */
export function convert(rulesData, value, fromUnit, toUnit, analyte) {
  const K = rulesData;
  const analytes = K.units.analytes;
  if (!hasOwn(analytes, analyte))
    throw new ValidationError([{ field: "analyte", message: msg(K, "bad_choice", { value: analyte, accepted: Object.keys(analytes).join(", ") }) }]);
  const [f, problem] = number(value);
  if (problem) throw new ValidationError([{ field: "value", message: msg(K, problem, { type: typeName(value) }) }]);
  const spec = analytes[analyte];
  const units = [];
  for (const [where, u] of [["from_unit", fromUnit], ["to_unit", toUnit]]) {
    if (typeof u !== "string") throw new ValidationError([{ field: where, message: msg(K, "not_text", { type: typeName(u) }) }]);
    const [resolved, reason] = resolveUnit(K, analyte, u);
    if (resolved === null) {
      const text = reason === "unknown" ? msg(K, "unknown_unit", { unit: u, label: spec.label, accepted: Object.keys(spec.units).join(", ") }) : reason;
      throw new ValidationError([{ field: where, message: text }]);
    }
    units.push(resolved);
  }
  return fromCanonical(K, analyte, toCanonical(K, analyte, f, units[0]), units[1]);
}

/** Payne albumin-corrected calcium in `calciumUnit` (unrounded). */
export function correctedCalcium(rulesData, calcium, albumin, calciumUnit = "mmol/L", albuminUnit = "g/L") {
  const payne = rulesData.bands.payne;
  const ca = convert(rulesData, calcium, calciumUnit, "mmol/L", "calcium");
  const alb = convert(rulesData, albumin, albuminUnit, "g/L", "albumin");
  const corr = ca + payne.coefficient * (payne.pivot_albumin - alb);
  return convert(rulesData, corr, "mmol/L", calciumUnit, "calcium");
}
