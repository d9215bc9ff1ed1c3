// Browser-side evaluator of the clinical model: an ES module with named exports, no
// dependencies, no DOM.
//
// It interprets the rules exported by the Python model (`widgets.clinical.rules_json()`, or
// `python -m widgets rules-json`) and gives exactly the same result as
// `widgets.clinical.assess(...).to_dict()`, including the same validation errors
// (field + message). It is staged like widgets/clinical/model.py, with the same stage names:
//   resolveRanges -> parseScenario -> inputWarnings -> scenarioFacts -> derive -> judge -> summarise
// and `assess` composes them. tests/parity/vectors.json (reviewed input -> expected output) is
// checked against both (pytest and `node --test tests/js/`), and a seeded random comparison
// runs both on top (tests/test_parity.py).
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

// ------------------------------------------------------------------------------ messages and units
const hasOwn = (o, k) => Object.hasOwn(o, k);
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

const validationMessage = (rules, msgKey, kw = {}) => fill(rules.messages.validation[msgKey], kw);
const warningMessage = (rules, msgKey, kw = {}) => fill(rules.messages.warnings[msgKey], kw);
const error = (rules, field, msgKey, kw = {}) => ({ field, message: validationMessage(rules, msgKey, kw) });

function asNumber(v) {
  if (typeof v !== "number") return [null, "not_number"];
  if (!Number.isFinite(v)) return [null, "not_finite"];
  return [v, null];
}

function toCanonical(rules, analyte, value, unit) {
  const spec = rules.units.analytes[analyte].units[unit];
  if (hasOwn(spec, "multiply")) return value * spec.multiply;
  if (hasOwn(spec, "divide")) return value / spec.divide;
  return value;
}

function fromCanonical(rules, analyte, value, unit) {
  const spec = rules.units.analytes[analyte].units[unit];
  if (hasOwn(spec, "multiply")) return value / spec.multiply;
  if (hasOwn(spec, "divide")) return value * spec.divide;
  return value;
}

function resolveUnit(rules, analyte, unit) {
  const spec = rules.units.analytes[analyte];
  if (hasOwn(spec.units, unit)) return [unit, null];
  const n = normaliseUnit(unit);
  for (const u of Object.keys(spec.units)) if (normaliseUnit(u) === n) return [u, null];
  const aliases = spec.aliases || {};
  if (hasOwn(aliases, n)) return [aliases[n], null];
  const rejected = spec.rejected || {};
  if (hasOwn(rejected, n)) return [null, rejected[n]];
  return [null, "unknown"];
}

function unitProblem(rules, analyte, unit, field) {
  const spec = rules.units.analytes[analyte];
  if (typeof unit !== "string") return [null, error(rules, field, "not_text", { type: typeName(unit) })];
  const [resolved, reason] = resolveUnit(rules, analyte, unit);
  if (resolved !== null) return [resolved, null];
  if (reason !== "unknown") return [null, { field, message: reason }];
  return [
    null,
    error(rules, field, "unknown_unit", {
      unit,
      label: spec.label,
      accepted: Object.keys(spec.units).join(", "),
    }),
  ];
}

// ------------------------------------------------------------------------------ scenario
const PATIENT_KEYS = ["age", "sex", "bmi"];
const LAB_KEYS = ["value", "unit"];
const MAX_DEPTH = 6; // levels of mappings and lists; a scenario needs 3 (history -> warfarin -> days)
const MAX_TEXT = 2000; // characters in one key or text value

/** The first limit `data` breaks (nested too deep, a text too long), as a message, or null. */
export function shapeProblem(rules, data, depth = 0) {
  if (typeof data === "string") {
    const length = [...data].length; // code points, as Python's len()
    if (length <= MAX_TEXT) return null;
    return fill(rules.messages.validation.too_long, { length, max: MAX_TEXT });
  }
  if (data !== null && typeof data === "object") {
    if (depth >= MAX_DEPTH) return fill(rules.messages.validation.too_deep, { max: MAX_DEPTH });
    const pairs = Array.isArray(data) ? data.map((v) => [null, v]) : Object.entries(data);
    for (const [key, value] of pairs) {
      const problem =
        (key === null ? null : shapeProblem(rules, key, depth + 1)) || shapeProblem(rules, value, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
const sections = (rules) => Object.entries(rules.vocabulary.groups).map(([gid, g]) => [g.section, gid]);
const topKeys = (rules) => ["patient", "labs", ...sections(rules).map(([s]) => s), "meta"];

class Collector {
  constructor(rules) {
    this.rules = rules;
    this.errors = [];
  }

  add(field, msgKey, kw) {
    this.errors.push(error(this.rules, field, msgKey, kw));
  }

  keys(where, mapping, accepted) {
    let ok = true;
    const unknown = Object.keys(mapping)
      .filter((k) => !accepted.includes(k))
      .sort(cmpCodePoints);
    for (const key of unknown) {
      this.add((where ? `${where}.${key}` : key) || "scenario", "unknown_key", {
        key,
        accepted: accepted.join(", "),
      });
      ok = false;
    }
    return ok;
  }

  number(where, v) {
    const [f, problem] = asNumber(v);
    if (problem === "not_number") this.add(where, "not_number", { type: typeName(v) });
    else if (problem) this.add(where, problem);
    return f;
  }
}

/** Another unit in which `value` would lie within the reference range (default unless given), or null. */
export function otherUnitInRange(rules, analyte, value, unit, refRange = null) {
  const r = refRange || (hasOwn(rules.ranges, analyte) ? rules.ranges[analyte] : null);
  if (r === null) return null;
  for (const other of Object.keys(rules.units.analytes[analyte].units))
    if (other !== unit) {
      const c = toCanonical(rules, analyte, value, other);
      if (r.low <= c && c <= r.high) return other;
    }
  return null;
}

function limitValue(rules, analyte, unit, canonicalValue) {
  const dec = rules.units.analytes[analyte].units[unit].decimals;
  return roundHalfAway(fromCanonical(rules, analyte, canonicalValue, unit), dec);
}

/** Validate a scenario object; returns the normalised scenario or throws ValidationError. */
export function parseScenario(rules, data) {
  const c = new Collector(rules);
  const problem = shapeProblem(rules, data);
  if (problem) throw new ValidationError([{ field: "scenario", message: problem }]);
  const sc = { patient: { age: null, sex: null, bmi: null }, labs: {}, history: {}, absent: {} };
  for (const [section, group] of sections(rules)) if (group !== "history") sc[section] = [];
  if (!isMapping(data)) {
    c.add("scenario", "not_mapping", { type: typeName(data) });
    throw new ValidationError(c.errors);
  }
  c.keys("", data, topKeys(rules));
  parsePatient(c, rules, get(data, "patient"), sc);
  parseLabs(c, rules, get(data, "labs"), sc);
  for (const [section, group] of sections(rules))
    parseItems(c, rules, section, group, get(data, section), sc);
  if (c.errors.length) throw new ValidationError(c.errors);
  return sc;
}

/** {ok: true, scenario} or {ok: false, errors: [{field, message}]}, for inline messages. */
export function validateScenario(rules, data) {
  try {
    return { ok: true, scenario: parseScenario(rules, data), errors: [] };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, scenario: null, errors: e.errors };
    throw e;
  }
}

function parsePatient(c, rules, p, sc) {
  if (isNone(p)) return;
  if (!isMapping(p)) {
    c.add("patient", "not_mapping", { type: typeName(p) });
    return;
  }
  c.keys("patient", p, PATIENT_KEYS);
  const spec = rules.units.patient;
  for (const key of ["age", "bmi"]) {
    if (isNone(get(p, key))) continue;
    const where = `patient.${key}`;
    const f = c.number(where, p[key]);
    if (f === null) continue;
    const [lo, hi] = spec[key].accept;
    if (f < 0) c.add(where, "negative", { value: fmt(f) });
    else if (f < lo || f > hi)
      c.add(where, "out_of_range", {
        value: fmt(f),
        unit: spec[key].unit,
        label: spec[key].label,
        min: fmt(lo),
        max: fmt(hi),
      });
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

function parseLabs(c, rules, labs, sc) {
  if (isNone(labs)) return;
  if (!isMapping(labs)) {
    c.add("labs", "not_mapping", { type: typeName(labs) });
    return;
  }
  const analytes = rules.units.analytes;
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
    const [resolved, err] = unitProblem(rules, a, unit, `${where}.unit`);
    if (err) {
      c.errors.push(err);
      continue;
    }
    if (f === null) continue;
    if (f < 0) {
      c.add(`${where}.value`, "negative", { value: fmt(f) });
      continue;
    }
    const lo = limitValue(rules, a, resolved, spec.accept[0]);
    const hi = limitValue(rules, a, resolved, spec.accept[1]);
    if (f < lo || f > hi) {
      const [loP, hiP] = spec.plausible;
      const other = otherUnitInRange(rules, a, f, resolved, { low: loP, high: hiP });
      const kw = { value: fmt(f), unit: resolved, label: spec.label, min: fmt(lo), max: fmt(hi), other };
      c.add(`${where}.value`, other ? "out_of_range_hint" : "out_of_range", kw);
      continue;
    }
    sc.labs[a] = { value: f, unit: resolved, canonical: toCanonical(rules, a, f, resolved) };
  }
}

function parseItems(c, rules, section, group, value, sc) {
  const vocab = {};
  for (const i of rules.vocabulary.items) vocab[i.id] = i;
  const present = new Map();
  const absent = new Set();
  const seen = new Map(); // id -> present, absent or unrecorded, as first given
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
    pairs = Object.keys(value)
      .sort(cmpCodePoints)
      .map((k) => [k, value[k]]);
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
    const kind = isNone(v) ? "unrecorded" : v === false ? "absent" : "present";
    if (!seen.has(itemId)) seen.set(itemId, kind);
    if (seen.get(itemId) !== kind) {
      c.add(where, "contradictory", { item: itemId });
      continue;
    }
    present.delete(itemId);
    absent.delete(itemId);
    if (isNone(v)) continue; // not recorded
    if (v === false) {
      absent.add(itemId); // examined and absent
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
        c.add(pwhere, "param_range", {
          value: fmt(f),
          label: pspec.label,
          min: fmt(pspec.min),
          max: fmt(pspec.max),
        });
        good = false;
      } else values[pname] = f;
    }
    if (good) present.set(itemId, values);
  }
  const order = rules.vocabulary.items.filter((i) => i.group === group).map((i) => i.id);
  sc.absent[section] = order.filter((i) => absent.has(i));
  if (group === "history") {
    for (const i of order) if (present.has(i)) sc.history[i] = present.get(i);
  } else {
    sc[section] = order.filter((i) => present.has(i));
  }
}

// ------------------------------------------------------------------------------ expressions
/** Three-valued evaluation of a rule expression: true, false or null (unknown). */
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
  if (hasOwn(expr, "unknown")) return evaluate(expr.unknown, facts) === null;
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

// ------------------------------------------------------------------------------ stage: ranges
function localRange(rules, analyte, r, errors) {
  const where = `ranges.${analyte}`;
  if (!isMapping(r)) {
    errors.push(error(rules, where, "range_not_mapping", { type: typeName(r) }));
    return null;
  }
  const unknown = Object.keys(r)
    .filter((k) => !["low", "high", "unit"].includes(k))
    .sort(cmpCodePoints);
  for (const key of unknown)
    errors.push(error(rules, `${where}.${key}`, "unknown_key", { key, accepted: "low, high, unit" }));
  if (unknown.length) return null;
  const vals = {};
  for (const bound of ["low", "high"]) {
    const raw = get(r, bound);
    const [f, problem] = asNumber(raw);
    if (problem) errors.push(error(rules, `${where}.${bound}`, problem, { type: typeName(raw) }));
    else vals[bound] = f;
  }
  const [resolved, err] = unitProblem(
    rules,
    analyte,
    hasOwn(r, "unit") ? r.unit : rules.ranges[analyte].unit,
    `${where}.unit`,
  );
  if (err) {
    errors.push(err);
    return null;
  }
  if (Object.keys(vals).length < 2) return null;
  if (vals.low < 0 || vals.high < 0) {
    const bound = vals.low < 0 ? "low" : "high";
    errors.push(error(rules, `${where}.${bound}`, "negative", { value: fmt(vals[bound]) }));
    return null;
  }
  if (!(vals.low < vals.high)) {
    errors.push(error(rules, where, "range_order", { low: fmt(vals.low), high: fmt(vals.high) }));
    return null;
  }
  return {
    low: toCanonical(rules, analyte, vals.low, resolved),
    high: toCanonical(rules, analyte, vals.high, resolved),
    source: "local",
  };
}

/** Default ranges with local overrides applied (canonical units); throws ValidationError. */
export function resolveRanges(rules, ranges) {
  const out = {};
  for (const [a, r] of Object.entries(rules.ranges)) out[a] = { low: r.low, high: r.high, source: "default" };
  if (isNone(ranges)) return out;
  const problem = shapeProblem(rules, ranges);
  if (problem) throw new ValidationError([{ field: "ranges", message: problem }]);
  if (!isMapping(ranges))
    throw new ValidationError([error(rules, "ranges", "not_mapping", { type: typeName(ranges) })]);
  const errors = [];
  const known = Object.keys(rules.ranges);
  for (const key of Object.keys(ranges)
    .filter((k) => !known.includes(k))
    .sort(cmpCodePoints))
    errors.push(error(rules, `ranges.${key}`, "range_analyte", { key, accepted: known.join(", ") }));
  for (const a of known) {
    if (isNone(get(ranges, a))) continue;
    const local = localRange(rules, a, ranges[a], errors);
    if (local !== null) out[a] = local;
  }
  if (errors.length) throw new ValidationError(errors);
  return out;
}

// ------------------------------------------------------------------------------ stage: input warnings
function shown(rules, analyte, canonicalValue, unit) {
  const dec = rules.units.analytes[analyte].units[unit].decimals;
  return fmt(roundHalfAway(fromCanonical(rules, analyte, canonicalValue, unit), dec));
}

/** Possible but unusual input: a child, an unusual age or BMI, an unusual lab value, a local range. */
export function inputWarnings(rules, sc, refRanges) {
  const warnings = [];
  const checks = checkValues(rules, sc);
  const pspec = rules.units.patient;
  const age = sc.patient.age;
  if (age !== null && age < pspec.age.usual[0])
    warnings.push({ field: "patient.age", message: rules.messages.warnings.child });
  for (const key of ["age", "bmi"]) {
    const v = sc.patient[key];
    const [lo, hi] = pspec[key].usual;
    if (v !== null && (v > hi || (key === "bmi" && v < lo)))
      warnings.push({
        field: `patient.${key}`,
        message: warningMessage(rules, "patient_unusual", {
          value: fmt(v),
          unit: pspec[key].unit,
          label: pspec[key].label,
          min: fmt(lo),
          max: fmt(hi),
        }),
      });
  }
  for (const [a, spec] of Object.entries(rules.units.analytes)) {
    const lab = hasOwn(sc.labs, a) ? sc.labs[a] : null;
    const [lo, hi] = spec.usual;
    const flagged = checks.some((ch) => ch.analyte === a);
    if (lab !== null && !flagged && (lab.canonical < lo || lab.canonical > hi))
      warnings.push({
        field: `labs.${a}.value`,
        message: warningMessage(rules, "unusual", {
          value: fmt(lab.value),
          unit: lab.unit,
          label: spec.label,
          min: shown(rules, a, lo, lab.unit),
          max: shown(rules, a, hi, lab.unit),
        }),
      });
  }
  warnings.push(...checks.map((ch) => ({ field: ch.field, message: ch.message })));
  for (const [a, r] of Object.entries(refRanges)) {
    if (r.source !== "local") continue;
    const unit = rules.units.analytes[a].canonical;
    warnings.push({
      field: `ranges.${a}`,
      message: warningMessage(rules, "local_range", {
        label: rules.units.analytes[a].label,
        low: shown(rules, a, r.low, unit),
        high: shown(rules, a, r.high, unit),
        unit,
      }),
    });
  }
  return warnings;
}

/**
 * Values implausible in the unit given but plausible in another unit of the same analyte
 * (judged against the disease ranges in units.yaml `plausible`, not the reference range): they
 * look like the other unit system. [{field, analyte, value, unit, other, message}]
 */
export function checkValues(rules, sc) {
  const out = [];
  for (const [a, lab] of Object.entries(sc.labs)) {
    const spec = rules.units.analytes[a];
    const [lo, hi] = spec.plausible;
    if (lo <= lab.canonical && lab.canonical <= hi) continue;
    const other = otherUnitInRange(rules, a, lab.value, lab.unit, { low: lo, high: hi });
    if (other) {
      const kw = { label: spec.label, value: fmt(lab.value), unit: lab.unit, other };
      const message = warningMessage(rules, "unit_hint", kw);
      out.push({ field: `labs.${a}.unit`, analyte: a, value: lab.value, unit: lab.unit, other, message });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------ stage: facts
/**
 * The facts the scenario states: <group>.<item> for every vocabulary item (true present, false
 * examined and absent, null not recorded), biopsy_recorded, sex, age, BMI, warfarin days.
 */
export function scenarioFacts(rules, sc) {
  const facts = {};
  const present = {};
  const absent = {};
  for (const [section, group] of sections(rules)) {
    present[group] = group === "history" ? Object.keys(sc.history) : sc[section];
    absent[group] = hasOwn(sc.absent, section) ? sc.absent[section] : [];
  }
  for (const item of rules.vocabulary.items) {
    const g = item.group;
    facts[`${g}.${item.id}`] = present[g].includes(item.id)
      ? true
      : absent[g].includes(item.id)
        ? false
        : null;
  }
  facts.biopsy_recorded =
    sc.histology.length > 0 || (hasOwn(sc.absent, "histology") && sc.absent.histology.length > 0);
  facts.sex = sc.patient.sex;
  facts.age = sc.patient.age;
  facts.bmi = sc.patient.bmi;
  facts.warfarin_days =
    hasOwn(sc.history, "warfarin") && !isNone(sc.history.warfarin.days) ? sc.history.warfarin.days : null;
  return facts;
}

// ------------------------------------------------------------------------------ stage: derived values
function allUnits(rules, analyte, canonicalValue) {
  const out = {};
  for (const [u, spec] of Object.entries(rules.units.analytes[analyte].units))
    out[u] = roundHalfAway(fromCanonical(rules, analyte, canonicalValue, u), spec.decimals);
  return out;
}

function boundValue(rules, bound, refRange) {
  if (!isMapping(bound)) return bound;
  if (hasOwn(bound, "line")) return rules.bands.cap.lines[bound.line].mg2_dl2;
  return refRange[bound.ref];
}

/** {id, label} of the band `value` (canonical number or null) falls in, or null. */
export function bandOf(rules, bandDef, value, refRanges, facts) {
  if (hasOwn(bandDef, "override") && facts[bandDef.override.when] === true)
    return { id: bandDef.override.id, label: bandDef.override.label };
  if (isNone(value)) return null;
  const d = bandDef.decimals;
  const scaled = roundScaled(value, d);
  const refRange =
    hasOwn(bandDef, "range") && hasOwn(refRanges, bandDef.range) ? refRanges[bandDef.range] : {};
  for (const b of bandDef.bands) {
    if (!hasOwn(b, "below") && !hasOwn(b, "upto")) return { id: b.id, label: b.label };
    const lim = roundScaled(boundValue(rules, hasOwn(b, "below") ? b.below : b.upto, refRange), d);
    if ((hasOwn(b, "below") && scaled < lim) || (hasOwn(b, "upto") && scaled <= lim))
      return { id: b.id, label: b.label };
  }
  return null;
}

function calciumBasis(rules, labs, refRanges, facts, warnings) {
  const payne = rules.bands.payne;
  const ca = hasOwn(labs, "calcium") ? labs.calcium : null;
  const alb = hasOwn(labs, "albumin") ? labs.albumin : null;
  let corrected = null;
  if (ca !== null && alb !== null) corrected = ca + payne.coefficient * (payne.pivot_albumin - alb);
  if (ca === null) return [corrected, null, null];
  if (corrected === null) {
    warnings.push({ field: "labs.albumin", message: rules.messages.warnings.not_corrected });
    return [corrected, ca, "measured"];
  }
  const albuminBand = bandOf(rules, rules.bands.bands.albumin, alb, refRanges, facts);
  if (albuminBand !== null && albuminBand.id === "high") {
    warnings.push({ field: "labs.albumin", message: rules.messages.warnings.albumin_high });
    return [corrected, ca, "measured"];
  }
  return [corrected, corrected, "corrected"];
}

/** Derived values and bands; adds the band facts and composites to `facts`. Returns [derived, warnings]. */
export function derive(rules, sc, refRanges, facts) {
  const warnings = [];
  const analytes = rules.units.analytes;
  const bandsSpec = rules.bands;
  const caXPSpec = bandsSpec.cap;
  const labs = {};
  for (const a of Object.keys(analytes)) if (hasOwn(sc.labs, a)) labs[a] = sc.labs[a].canonical;
  const lab = (a) => (hasOwn(labs, a) ? labs[a] : null);
  const [corrected, caBands, basis] = calciumBasis(rules, labs, refRanges, facts, warnings);
  const p = lab("phosphate");
  let caXPMmol = null;
  let caXPMg = null;
  if (caBands !== null && p !== null) {
    caXPMmol = caBands * p;
    caXPMg = caBands * caXPSpec.mg_factor_calcium * (p * caXPSpec.mg_factor_phosphate);
  }
  const pthXUln = lab("pth") === null ? null : labs.pth / refRanges.pth.high;
  const sources = {
    calcium_for_bands: caBands,
    phosphate: p,
    albumin: lab("albumin"),
    cap_mg: caXPMg,
    egfr: lab("egfr"),
    pth: lab("pth"),
    pth_x_uln: pthXUln,
    vitamin_d: lab("vitamin_d"),
  };
  const bandOut = {};
  for (const [name, b] of Object.entries(bandsSpec.bands))
    bandOut[name] = bandOf(rules, b, sources[b.source], refRanges, facts);
  for (const [name, spec] of Object.entries(rules.facts.computed))
    if (hasOwn(spec, "band")) facts[name] = bandOut[spec.band] ? bandOut[spec.band].id : null;
  if (facts["history.dialysis"] && hasOwn(sc.labs, "egfr"))
    warnings.push({
      field: "labs.egfr.value",
      message: warningMessage(rules, "dialysis_egfr", { value: fmt(sc.labs.egfr.value) }),
    });
  const flags = {};
  for (const [name, comp] of Object.entries(rules.facts.composites)) {
    facts[name] = evaluate(comp.when, facts);
    flags[name] = facts[name];
  }

  const derived = {
    values: {},
    corrected_calcium: null,
    calcium_for_bands: null,
    ca_x_p: null,
    pth_x_uln: pthXUln === null ? null : roundHalfAway(pthXUln, bandsSpec.decimals.pth_x_uln),
    gfr_category: bandOut.gfr ? bandOut.gfr.id : null,
    bands: bandOut,
    ranges: {},
    flags,
  };
  for (const a of Object.keys(analytes)) if (hasOwn(labs, a)) derived.values[a] = allUnits(rules, a, labs[a]);
  if (corrected !== null) {
    const cc = allUnits(rules, "calcium", corrected);
    const payne = bandsSpec.payne;
    cc.caveats = [
      ...payne.caveats.filter((cv) => evaluate(cv.when, facts) === true).map((cv) => cv.text),
      payne.always,
    ];
    derived.corrected_calcium = cc;
  }
  if (caBands !== null) derived.calcium_for_bands = { basis, ...allUnits(rules, "calcium", caBands) };
  if (caXPMmol !== null)
    derived.ca_x_p = {
      "mmol2/L2": roundHalfAway(caXPMmol, caXPSpec.decimals_mmol),
      "mg2/dL2": roundHalfAway(caXPMg, caXPSpec.decimals_mg),
      basis,
    };
  for (const [a, r] of Object.entries(refRanges)) {
    const unit = analytes[a].canonical;
    const dec = analytes[a].units[unit].decimals;
    derived.ranges[a] = {
      low: roundHalfAway(r.low, dec),
      high: roundHalfAway(r.high, dec),
      unit,
      source: r.source,
    };
  }
  return [derived, warnings];
}

// ------------------------------------------------------------------------------ stage: verdicts
function addUnique(list, text) {
  if (!list.includes(text)) list.push(text);
}

/** The patient's values a reason may name ({calcium}, {phosphate}, ...), as shown text. */
export function patientValues(derived, facts) {
  const shown = (v) => (isNone(v) ? "not recorded" : fmt(v));
  const cb = derived.calcium_for_bands;
  const cxp = derived.ca_x_p;
  const phosphate = hasOwn(derived.values, "phosphate") ? derived.values.phosphate["mmol/L"] : null;
  const minerals = []; // only the values this patient has
  if (cb) minerals.push(`calcium ${fmt(cb["mmol/L"])} mmol/L (${cb.basis})`);
  if (phosphate !== null) minerals.push(`phosphate ${fmt(phosphate)} mmol/L`);
  if (cxp) minerals.push(`Ca x P ${fmt(cxp["mg2/dL2"])} mg2/dL2`);
  return {
    calcium: shown(cb ? cb["mmol/L"] : null),
    calcium_basis: cb ? cb.basis : "not recorded",
    phosphate: shown(phosphate),
    ca_x_p: shown(cxp ? cxp["mg2/dL2"] : null),
    minerals: minerals.join(", ") || "not recorded",
    pth_x_uln: shown(derived.pth_x_uln),
    gfr_category: derived.gfr_category || "not recorded",
    gfr_note: derived.gfr_category ? ` (GFR category ${derived.gfr_category})` : "",
    warfarin_days: shown(facts.warfarin_days),
    age: shown(facts.age),
    bmi: shown(facts.bmi),
    bmi_note: isNone(facts.bmi) ? "" : ` (BMI ${fmt(facts.bmi)})`,
  };
}

/** {"<group>.<id>": vocabulary item}. */
export function vocabularyByFact(rules) {
  const out = {};
  for (const i of rules.vocabulary.items) out[`${i.group}.${i.id}`] = i;
  return out;
}

function fired(rules, vocab, expr, facts, want, out) {
  // Add to `out` the labels of the recorded vocabulary items that make `expr` `want`.
  if (typeof expr === "string") {
    if (facts[expr] !== want) return;
    if (hasOwn(vocab, expr)) {
      const item = vocab[expr];
      addUnique(
        out,
        want
          ? item.label
          : hasOwn(item, "absent_label")
            ? item.absent_label
            : `Examined, absent: ${item.label}`,
      );
    } else if (hasOwn(rules.facts.composites, expr))
      fired(rules, vocab, rules.facts.composites[expr].when, facts, want, out);
    return;
  }
  if (hasOwn(expr, "not")) {
    fired(rules, vocab, expr.not, facts, !want, out);
    return;
  }
  for (const key of ["all", "any"])
    for (const sub of hasOwn(expr, key) ? expr[key] : [])
      if (evaluate(sub, facts) === want) fired(rules, vocab, sub, facts, want, out);
}

function applyRules(rules, facts, values) {
  const vocab = vocabularyByFact(rules);
  const targets = {};
  for (const t of [...rules.conditions, ...rules.lookalikes])
    targets[t.id] = { score: 0, reasons: [], caps: [], missing: [] };
  for (const rule of rules.rules) {
    const t = targets[rule.target];
    const v = evaluate(rule.when, facts);
    if (v === null && hasOwn(rule, "unknown")) addUnique(t.missing, rule.unknown);
    if (v !== true) continue;
    if (hasOwn(rule, "hint")) {
      addUnique(t.missing, rule.text);
      continue;
    }
    const points = hasOwn(rule, "points") ? rule.points : null;
    const found = [];
    fired(rules, vocab, rule.when, facts, true, found);
    let direction = "against";
    if (points !== null && points >= 0) direction = points === 0 ? "note" : "for";
    t.reasons.push({
      rule: rule.id,
      text: fill(rule.text, values),
      finding: found.join("; "),
      direction,
      cite: [...rule.cite],
      beyond: Boolean(rule.beyond),
      points,
      cap: hasOwn(rule, "cap") ? rule.cap : null,
    });
    if (hasOwn(rule, "cap")) t.caps.push(rule.cap);
    if (points !== null) t.score += points;
  }
  return targets;
}

function notJudgedDerived(rules, sc, facts) {
  const out = [];
  for (const [dId, d] of Object.entries(rules.messages.derived)) {
    let lacking = d.needs.some((l) => !hasOwn(sc.labs, l));
    if (lacking && hasOwn(d, "unless") && facts[d.unless] === true) lacking = false;
    if (lacking) out.push({ id: dId, label: d.label, reason: d.text });
  }
  return out;
}

function verdictOf(rules, t) {
  const verdictIds = rules.verdicts.map((v) => v.id);
  const scored = rules.verdicts
    .filter((v) => hasOwn(v, "min_score") && t.score >= v.min_score)
    .map((v) => v.id);
  let verdict = scored.length ? scored[0] : "unlikely";
  for (const cap of t.caps) if (verdictIds.indexOf(cap) > verdictIds.indexOf(verdict)) verdict = cap;
  return verdict;
}

function levelOf(rules, condition, verdictIn, facts) {
  // The verdict lowered until the condition meets what its level requires, and the first limit.
  const scored = rules.verdicts.filter((v) => hasOwn(v, "min_score")).map((v) => v.id);
  const labels = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.label]));
  let verdict = verdictIn;
  let limit = null;
  while (scored.includes(verdict)) {
    const need = hasOwn(condition.levels, verdict) ? condition.levels[verdict] : null;
    if (need === null || evaluate(need.when, facts) === true) break;
    if (limit === null) {
      const text = fill(rules.messages.level_limit, { level: labels[verdict], requires: need.text });
      limit = { level: verdict, requires: need.text, text };
    }
    const i = scored.indexOf(verdict);
    verdict = i + 1 < scored.length ? scored[i + 1] : "unlikely";
  }
  const setting = hasOwn(condition, "setting") ? condition.setting : null;
  if (setting !== null && scored.slice(0, -1).includes(verdict) && !settingMet(setting, facts)) {
    if (limit === null) {
      const text = fill(rules.messages.setting_limit, { level: labels[verdict], setting: setting.text });
      limit = { level: verdict, requires: setting.text, text };
    }
    verdict = scored[scored.length - 1];
  }
  return [verdict, limit];
}

/** The condition's setting holds, or what decides without it (histology) does. */
export function settingMet(setting, facts) {
  return (
    evaluate(setting.when, facts) === true ||
    (hasOwn(setting, "unless") && evaluate(setting.unless, facts) === true)
  );
}

const evidence = (reasons) => [
  reasons.filter((r) => r.direction === "for"),
  reasons.filter((r) => r.direction === "against"),
];

function judgeCondition(rules, c, order, t, facts, notJudged) {
  const verdictLabel = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.label]));
  let [verdict, limit] = levelOf(rules, c, verdictOf(rules, t), facts);
  const missing = [...t.missing];
  const unknownNeeds = c.needs.filter((n) => facts[n] === null);
  if (verdict === "unlikely" && unknownNeeds.length) {
    verdict = "not-judged";
    const composites = rules.facts.composites;
    const texts = unknownNeeds.map((n) =>
      hasOwn(composites[n], "missing") ? composites[n].missing : composites[n].label,
    );
    for (const text of texts) addUnique(missing, text);
    notJudged.push({
      id: c.id,
      label: c.name,
      reason: fill(rules.messages.condition_not_judged, { missing: texts.join("; ") }),
    });
  }
  let setting = null;
  if (hasOwn(c, "setting")) {
    const met = settingMet(c.setting, facts) ? true : evaluate(c.setting.when, facts);
    setting = { text: c.setting.text, met };
  }
  return {
    id: c.id,
    name: c.name,
    verdict,
    verdict_label: verdictLabel[verdict],
    score: t.score,
    reasons: t.reasons,
    evidence_for: [],
    evidence_against: [],
    level_limit: limit,
    setting,
    confirm: c.confirm,
    missing,
    _order: order,
  };
}

function rank(rules, conditions) {
  const verdictIds = rules.verdicts.map((v) => v.id);
  conditions.sort(
    (x, y) =>
      verdictIds.indexOf(x.verdict) - verdictIds.indexOf(y.verdict) ||
      y.score - x.score ||
      x._order - y._order,
  );
}

/** [conditions ranked, look-alikes suggested, not judged] from the rules over `facts`. */
export function judge(rules, sc, facts, derived) {
  const targets = applyRules(rules, facts, patientValues(derived, facts));
  const notJudged = notJudgedDerived(rules, sc, facts);
  const conditions = rules.conditions.map((c, order) =>
    judgeCondition(rules, c, order, targets[c.id], facts, notJudged),
  );
  const lookalikes = [];
  rules.lookalikes.forEach((la, order) => {
    const t = targets[la.id];
    const defined = hasOwn(la, "defining") && evaluate(la.defining.when, facts) === true;
    if (t.score >= rules.lookalike_suggest_at || defined)
      lookalikes.push({
        id: la.id,
        name: la.name,
        score: t.score,
        reasons: t.reasons,
        evidence_for: [],
        evidence_against: [],
        distinguish: la.distinguish,
        defining: defined,
        red_flag: hasOwn(la, "red_flag") ? la.red_flag : null,
        leads: false,
        _order: order,
      });
  });
  lookalikes.sort(
    (x, y) => Number(y.defining) - Number(x.defining) || y.score - x.score || x._order - y._order,
  );
  rank(rules, conditions);
  if (lookalikes.length && lookalikeLeads(conditions[0], lookalikes[0])) {
    lookalikes[0].leads = true;
    capBelowLookalike(rules, conditions, lookalikes[0], facts);
    rank(rules, conditions);
  }
  for (const x of [...conditions, ...lookalikes]) {
    delete x._order;
    [x.evidence_for, x.evidence_against] = evidence(x.reasons);
  }
  return [conditions, lookalikes, notJudged];
}

function capBelowLookalike(rules, conditions, lead, facts) {
  // A leading look-alike: no condition stays above possible, and a condition it mimics (when its
  // defining setting is present) carries the reason, named, as evidence against.
  const la = rules.lookalikes.find((x) => x.id === lead.id);
  const scored = rules.verdicts.filter((v) => hasOwn(v, "min_score")).map((v) => v.id);
  const label = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.label]));
  const lowest = scored[scored.length - 1];
  for (const c of conditions) {
    if (lead.defining && (la.mimics || []).includes(c.id)) {
      const found = [];
      fired(rules, vocabularyByFact(rules), la.defining.when, facts, true, found);
      const kw = { name: la.name, setting: la.defining.text, condition: asciiLower(c.name) };
      c.reasons.push({
        rule: `lookalike_${la.id}`,
        text: fill(rules.messages.mimic_reason, kw),
        finding: found.join("; "),
        direction: "against",
        cite: [...la.cite],
        beyond: Boolean(la.beyond),
        points: null,
        cap: lowest,
      });
    }
    if (scored.slice(0, -1).includes(c.verdict)) {
      const text = fill(rules.messages.lookalike_limit, { level: label[c.verdict], name: la.name });
      c.level_limit = { level: c.verdict, requires: text, text };
      c.verdict = lowest;
      c.verdict_label = label[lowest];
    }
  }
}

/** The vocabulary facts ("group.id") some rule, composite, level, setting or look-alike weighs. */
export function usedVocabulary(rules) {
  const used = new Set();
  const vocab = vocabularyByFact(rules);
  const walk = (expr) => {
    if (typeof expr === "string") {
      if (hasOwn(vocab, expr)) used.add(expr);
      return;
    }
    for (const key of ["all", "any"]) for (const sub of hasOwn(expr, key) ? expr[key] : []) walk(sub);
    for (const key of ["not", "unknown"]) if (hasOwn(expr, key)) walk(expr[key]);
  };
  for (const rule of rules.rules) if (!hasOwn(rule, "hint")) walk(rule.when);
  for (const comp of Object.values(rules.facts.composites)) walk(comp.when);
  for (const c of rules.conditions) {
    for (const level of Object.values(c.levels)) walk(level.when);
    for (const key of ["when", "unless"])
      if (hasOwn(c, "setting") && hasOwn(c.setting, key)) walk(c.setting[key]);
  }
  for (const la of rules.lookalikes) if (hasOwn(la, "defining")) walk(la.defining.when);
  for (const caveat of rules.bands.payne.caveats) walk(caveat.when); // shown with the corrected calcium
  for (const band of Object.values(rules.bands.bands)) if (hasOwn(band, "override")) walk(band.override.when);
  return used;
}

/** Recorded vocabulary items (present or examined and absent) that no rule weighs. */
export function unusedRecorded(rules, facts) {
  const used = usedVocabulary(rules);
  const out = [];
  for (const item of rules.vocabulary.items) {
    const key = `${item.group}.${item.id}`;
    if (isNone(facts[key]) || used.has(key)) continue;
    const absent = hasOwn(item, "absent_label") ? item.absent_label : `Examined, absent: ${item.label}`;
    const label = facts[key] ? item.label : absent;
    out.push({ id: item.id, group: item.group, label, text: fill(rules.messages.unused, { label }) });
  }
  return out;
}

// ------------------------------------------------------------------------------ stage: summary
function lookalikeLeads(top, lookalike) {
  // A look-alike leads when its defining setting is present; otherwise when it outscores the top
  // condition, or equals it while no condition is more than possible, and no condition is supported.
  if (lookalike.defining) return true;
  if (top.verdict === "supported") return false;
  if (lookalike.score > top.score) return true;
  return top.verdict !== "consistent" && lookalike.score === top.score;
}

function overlapOf(rules, a, b) {
  // What separates conditions a and b when both fit and the headline should name both.
  const fits = ["supported", "consistent", "possible"];
  if (!fits.includes(a.verdict) || !fits.includes(b.verdict)) return null;
  for (const pair of rules.overlaps) {
    const ids = pair.ids.length === 2 && pair.ids.includes(a.id) && pair.ids.includes(b.id) && a.id !== b.id;
    const sameLevel = a.verdict === b.verdict || !pair.same_level;
    if (ids && sameLevel && a.verdict !== "supported" && b.verdict !== "supported") return pair.separates;
  }
  if (a.verdict === b.verdict && ["supported", "consistent"].includes(a.verdict))
    return rules.messages.summary.separates_generic;
  return null;
}

/**
 * The headline {text, kind, ids, separates, missing} (sentences in messages.yaml): a leading
 * look-alike is named as such, two close candidates together with what separates them, and when
 * nothing fits, the data that are missing.
 */
export function summarise(rules, conditions, lookalikes, notJudged) {
  const sentences = rules.messages.summary;
  const phrase = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.phrase]));
  const label = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.label]));
  const top = conditions[0];
  if (lookalikes.length && lookalikes[0].leads) {
    const la = lookalikes[0];
    const rest = ["unlikely", "not-judged"].includes(top.verdict)
      ? sentences.lookalike_none
      : fill(sentences.lookalike_best, { top: asciiLower(top.name), level: asciiLower(label[top.verdict]) });
    const kw = { name: la.name, distinguish: la.distinguish, rest };
    return {
      text: fill(sentences.lookalike, kw),
      kind: "lookalike",
      ids: [la.id],
      separates: null,
      missing: [],
    };
  }
  const separates = conditions.length > 1 ? overlapOf(rules, top, conditions[1]) : null;
  if (separates !== null) {
    const other = conditions[1];
    const kw = {
      phrase: phrase[top.verdict],
      name: asciiLower(top.name),
      separates,
      other_phrase: phrase[other.verdict],
      other: asciiLower(other.name),
    };
    return {
      text: fill(sentences.overlap, kw),
      kind: "overlap",
      ids: [top.id, other.id],
      separates,
      missing: [],
    };
  }
  if (top.verdict === "unlikely" || top.verdict === "not-judged") {
    const missing = notJudged.map((n) => n.label);
    const text = fill(missing.length ? sentences.none_missing : sentences.none, {
      missing: missing.join("; "),
    });
    return { text, kind: "nothing", ids: [], separates: null, missing };
  }
  const text = fill(sentences.top, { phrase: phrase[top.verdict], name: asciiLower(top.name) });
  return { text, kind: "condition", ids: [top.id], separates: null, missing: [] };
}

// ------------------------------------------------------------------------------ assess
/**
 * Assess a scenario against the six conditions. `rules` is rules_json() from Python;
 * `ranges` (optional) replaces default reference ranges: {analyte: {low, high, unit}}.
 * Returns the same structure as Python's Assessment.to_dict(); throws ValidationError.
 */
export function assess(rules, scenarioInput, ranges = null) {
  const sc = parseScenario(rules, scenarioInput);
  const refRanges = resolveRanges(rules, ranges);
  const warnings = inputWarnings(rules, sc, refRanges);
  const checks = checkValues(rules, sc);
  const facts = scenarioFacts(rules, sc);
  const [derived, deriveWarnings] = derive(rules, sc, refRanges, facts);
  const [conditions, lookalikes, notJudged] = judge(rules, sc, facts, derived);
  const headline = summarise(rules, conditions, lookalikes, notJudged);
  const redFlags = lookalikes.filter((la) => la.red_flag).map((la) => la.red_flag);
  const prefix = redFlags.map((f) => fill(rules.messages.summary.red_flag, { flag: f }));
  headline.check = checks.map((ch) => ch.message).join("; ");
  if (checks.length) prefix.push(fill(rules.messages.summary.check, { check: headline.check }));
  headline.text = [...prefix, headline.text].join(" ");
  return {
    education_note: rules.education_note,
    summary: headline.text,
    headline,
    check_values: checks,
    red_flags: redFlags,
    unused: unusedRecorded(rules, facts),
    levels: rules.verdicts.map((v) => ({ id: v.id, label: v.label, requires: v.requires })),
    legend: rules.legend,
    derived,
    conditions,
    lookalikes,
    warnings: [...warnings, ...deriveWarnings],
    not_judged: notJudged,
  };
}

/** Convert a value of `analyte` between units (unrounded); throws ValidationError. */
export function convert(rules, value, fromUnit, toUnit, analyte) {
  const analytes = rules.units.analytes;
  if (!hasOwn(analytes, analyte))
    throw new ValidationError([
      error(rules, "analyte", "bad_choice", { value: analyte, accepted: Object.keys(analytes).join(", ") }),
    ]);
  const [f, problem] = asNumber(value);
  if (problem) throw new ValidationError([error(rules, "value", problem, { type: typeName(value) })]);
  const units = [];
  for (const [field, u] of [
    ["from_unit", fromUnit],
    ["to_unit", toUnit],
  ]) {
    const [resolved, err] = unitProblem(rules, analyte, u, field);
    if (err) throw new ValidationError([err]);
    units.push(resolved);
  }
  return fromCanonical(rules, analyte, toCanonical(rules, analyte, f, units[0]), units[1]);
}

/** Payne albumin-corrected calcium in `calciumUnit` (unrounded). */
export function correctedCalcium(rules, calcium, albumin, calciumUnit = "mmol/L", albuminUnit = "g/L") {
  const payne = rules.bands.payne;
  const ca = convert(rules, calcium, calciumUnit, "mmol/L", "calcium");
  const alb = convert(rules, albumin, albuminUnit, "g/L", "albumin");
  const corr = ca + payne.coefficient * (payne.pivot_albumin - alb);
  return convert(rules, corr, "mmol/L", calciumUnit, "calcium");
}
