// The explorer's state module without a browser:  node --test tests/js/
// Transitions (typing, unit switch, preset, commit, review, reset, a scenario from Python) and
// the invariants: nothing typed changes silently; a committed answer changes only through a
// commit, and every commit is recorded. The rules come from CLINICAL_RULES_JSON or from
// `python -m widgets rules-json` (as in vectors.test.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadRules } from "./rules.mjs";
import {
  context,
  DAYS,
  derive,
  feedbackText,
  hidden,
  initialState,
  leakWords,
  neutralText,
  parseNumber,
  readScenario,
  shownText,
  toModel,
  update,
} from "../../widgets/static/explorer-state.js";

const rules = loadRules();
const open = (saved = {}) => initialState({ rules, mode: "open" }, saved);
const practice = (saved = {}) => initialState({ rules, mode: "practice" }, saved);
const run = (state, ...events) => events.reduce(update, state);
const taught = (id) => rules.presets.find((p) => p.id === id).taught.conditions[0];

test("labs, units and the warfarin label come from the rules data", () => {
  const ctx = context(rules);
  assert.deepEqual(ctx.labs, Object.keys(rules.units.analytes));
  assert.equal(ctx.units.SI.calcium, "mmol/L");
  assert.equal(ctx.units.conventional.calcium, "mg/dL");
  assert.equal(ctx.units.conventional.pth, "pg/mL");
  assert.equal(ctx.units.conventional.albumin, "g/dL");
  assert.equal(ctx.units.conventional.egfr, ctx.units.SI.egfr); // one unit only
  assert.match(ctx.warfarinLabel, /warfarin/i);
});

test("typing keeps the text as typed, in the unit it was typed in", () => {
  const s = run(open(), { type: "type", name: "calcium", text: "2,61" });
  assert.deepEqual(s.labs.calcium, { text: "2,61", unit: "mmol/L" });
  assert.equal(readScenario(s).scenario.labs.calcium.value, 2.61);
  assert.equal(s.lastField, "calcium");
});

test("a unit switch there and back gives the text entered, and converts what it shows", () => {
  const typed = run(open(), { type: "type", name: "calcium", text: "2.6" });
  const conv = update(typed, { type: "units", units: "conventional" });
  assert.equal(shownText(conv, "calcium"), (2.6 * 4.008).toFixed(2));
  assert.deepEqual(conv.labs, typed.labs); // the entry itself is untouched
  const back = update(conv, { type: "units", units: "SI" });
  assert.equal(shownText(back, "calcium"), "2.6");
});

test("a unit switch keeps invalid text and empties no field", () => {
  const s = run(
    open(),
    { type: "type", name: "phosphate", text: "abc" },
    { type: "units", units: "conventional" },
  );
  assert.equal(shownText(s, "phosphate"), "abc");
  assert.match(derive(s).errors.phosphate, /enter a number/);
  for (const name of context(rules).labs)
    if (open().labs[name].text) assert.notEqual(shownText(s, name), "", `${name} was emptied`);
});

test("an unknown unit system is ignored, not half-applied", () => {
  const s = open();
  assert.equal(update(s, { type: "units", units: "imperial" }), s);
});

test("toggling a finding or the answer never changes a typed value", () => {
  const typed = run(practice(), { type: "preset", id: "V8" }, { type: "type", name: "pth", text: "71" });
  const after = run(
    typed,
    { type: "tri", key: "finding.livedo", value: "no" },
    { type: "choose", choice: "dystrophic" },
    { type: "commit" },
    { type: "units", units: "conventional" },
  );
  assert.deepEqual(after.labs, typed.labs);
});

test("in open mode an edit leaves the preset; in practice the case stays chosen", () => {
  const o = run(open(), { type: "preset", id: "V1" }, { type: "type", name: "calcium", text: "2.4" });
  assert.equal(o.preset, "");
  const p = run(practice(), { type: "preset", id: "V1" }, { type: "type", name: "calcium", text: "2.4" });
  assert.equal(p.preset, "V1");
});

test("a preset fills every field from the rules data, three-valued findings included", () => {
  const s = update(open(), { type: "preset", id: "V11" });
  const v11 = rules.presets.find((p) => p.id === "V11").scenario;
  assert.equal(s.days, String(v11.history.warfarin.days));
  assert.equal(s.tri["history.warfarin"], "yes");
  assert.equal(s.tri["history.heparin_overlap"], "no"); // examined and absent, not "not recorded"
  const { scenario } = readScenario(s);
  assert.deepEqual(scenario.history.warfarin, { days: v11.history.warfarin.days });
  assert.equal(scenario.history.heparin_overlap, false);
  assert.ok(derive(s).assessment.conditions.length > 0);
});

test("'not recorded' leaves an item out of the scenario: never evidence", () => {
  const s = run(
    open(),
    { type: "tri", key: "finding.livedo", value: "yes" },
    { type: "tri", key: "finding.livedo", value: "" },
  );
  assert.deepEqual(readScenario(s).scenario.findings, []);
});

test("practice starts on no case (a neutral start), whatever preset the page names", () => {
  const s = practice({ preset: "", scenario: {} });
  assert.equal(s.preset, "");
  assert.ok(hidden(s));
  assert.ok(Object.values(s.labs).every((l) => l.text === ""));
});

test("practice hides the ranking until a commit, and a commit without a choice asks for one", () => {
  let s = update(practice(), { type: "preset", id: "V3" });
  assert.ok(hidden(s));
  s = update(s, { type: "commit" });
  assert.equal(s.committed, null);
  assert.equal(s.focus, "answer");
  assert.match(feedbackText(s), /Choose an answer first/);
  s = run(s, { type: "choose", choice: taught("V3") }, { type: "commit" });
  assert.ok(!hidden(s));
  assert.equal(s.committed.correct, true);
  assert.equal(s.focus, "feedback");
  assert.match(feedbackText(s), /^Yes/);
});

test("a committed answer changes only through another commit, and every commit is recorded", () => {
  let s = run(
    practice(),
    { type: "preset", id: "V8" },
    { type: "choose", choice: "dystrophic" },
    { type: "commit" },
  );
  const first = s.committed;
  assert.equal(first.correct, false);
  s = update(s, { type: "choose", choice: "calciphylaxis" });
  assert.deepEqual(s.committed, first); // choosing is not committing
  s = update(s, { type: "commit" });
  assert.equal(s.committed.answer, "calciphylaxis");
  assert.deepEqual(
    s.attempts.map((a) => [a.answer, a.correct]),
    [
      ["dystrophic", false],
      ["calciphylaxis", true],
    ],
  );
  assert.deepEqual(s.attempts[0], first); // the first attempt is never overwritten
});

test("a new case hides the ranking again and keeps the attempts made", () => {
  const s = run(
    practice(),
    { type: "preset", id: "D1" },
    { type: "choose", choice: "unsure" },
    { type: "commit" },
    { type: "preset", id: "V8" },
  );
  assert.ok(hidden(s));
  assert.equal(s.choice, "");
  assert.equal(s.attempts.length, 1);
});

test("reset starts the case again; review restores its values and keeps the answer", () => {
  const answered = run(
    practice(),
    { type: "preset", id: "V3" },
    { type: "choose", choice: "metastatic" },
    { type: "commit" },
    { type: "type", name: "phosphate", text: "0.9" },
  );
  const reviewed = update(answered, { type: "review" });
  assert.notEqual(reviewed.labs.phosphate.text, "0.9");
  assert.deepEqual(reviewed.committed, answered.committed);
  const reset = update(answered, { type: "reset" });
  assert.equal(reset.committed, null);
  assert.ok(hidden(reset));
  assert.equal(reset.attempts.length, 1);
  assert.equal(reset.focus, "answer");
});

test("a stored answer for the page's case is shown as committed on load", () => {
  const answer = { case: "V3", answer: "metastatic", correct: true, revealed: true };
  const s = practice({ preset: "V3", answer });
  assert.ok(!hidden(s));
  assert.equal(s.attempts.length, 1);
  assert.ok(hidden(practice({ preset: "V8", answer }))); // not this case's answer
});

test("a scenario from Python replaces the fields (an explicit event)", () => {
  const scenario = { labs: { calcium: { value: 2.1, unit: "mmol/L" } }, findings: ["livedo"] };
  const s = update(open(), { type: "load", scenario });
  assert.equal(s.labs.calcium.text, "2.10");
  assert.equal(s.tri["finding.livedo"], "yes");
  assert.deepEqual(toModel(s, readScenario(s).scenario).scenario.labs.calcium, {
    value: 2.1,
    unit: "mmol/L",
  });
});

test("the warfarin days field is read only when warfarin is present", () => {
  const s = run(open(), { type: "type", name: DAYS, text: "x" });
  assert.equal(derive(s).errors[DAYS], undefined);
  const on = update(s, { type: "tri", key: "history.warfarin", value: "yes" });
  assert.match(derive(on).errors[DAYS], /Days since warfarin/);
});

test("out-of-range values come back from the evaluator at their field", () => {
  const s = update(open(), { type: "type", name: "calcium", text: "60" });
  const d = derive(s);
  assert.equal(d.assessment, null);
  assert.ok(d.errors.calcium);
});

test("a number that may hold a thousands separator is asked about, not guessed", () => {
  assert.ok(parseNumber("1,250", "1").ask);
  assert.deepEqual(parseNumber("2,1", "1"), { value: 2.1 });
  assert.deepEqual(parseNumber(" ", "1"), { missing: true });
});

test("practice text leaves out clauses that name a condition", () => {
  const words = leakWords(rules);
  const threshold = rules.bands.bands.ca_x_p.bands.at(-1).label;
  assert.match(threshold, /metastatic/i); // the data does name it
  const neutral = neutralText(threshold, words);
  assert.doesNotMatch(neutral, /metastatic|calcif/i);
  assert.match(neutral, /70/);
  const fat = rules.vocabulary.items.find((i) => i.id === "fat_necrosis").definition;
  assert.doesNotMatch(neutralText(fat, words), /calciphylaxis/i);
  assert.equal(neutralText("Type 1 or type 2 diabetes.", words), "Type 1 or type 2 diabetes.");
  for (const item of rules.vocabulary.items)
    for (const c of [...rules.conditions, ...rules.lookalikes])
      assert.ok(
        !neutralText(item.definition, words).toLowerCase().includes(c.name.toLowerCase()),
        `${item.id} still names ${c.name}`,
      );
});

test("practice case names and values carry no vignette id; open titles drop theirs", () => {
  const ctx = context(rules, "practice");
  for (const p of ctx.presets) {
    assert.doesNotMatch(`${p.name} ${p.value}`, /\b(V\d+|VX|D\d+)\b/);
    assert.ok(
      !p.name
        .toLowerCase()
        .includes(rules.conditions.find((c) => c.id === taught(p.id))?.name.toLowerCase() ?? "\u0000"),
    );
  }
  for (const p of context(rules, "open").presets) assert.doesNotMatch(p.name, /^(V\d+|VX|D\d+):/);
});

test("choosing 'your own scenario' keeps the values and leaves the preset", () => {
  const s = run(open(), { type: "preset", id: "V1" }, { type: "preset", id: "" });
  assert.equal(s.preset, "");
  assert.deepEqual(s.labs, update(open(), { type: "preset", id: "V1" }).labs);
});
