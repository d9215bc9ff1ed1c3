// The case walk-through's state transitions without a browser: node --test tests/js/
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  choiceOrder,
  initialState,
  pathReport,
  runRecord,
  STORE_VERSION,
  score,
  shownOrder,
  toSaved,
  update,
} from "../../widgets/static/walkthrough-state.js";

// A small case: a harmful first choice sets a flag that sends the learner to a worse ending.
const CASE = {
  id: "demo",
  start: "a",
  answer: { id: "x" },
  names: { x: "X disease", y: "Y disease", z: "Z disease", w: "W disease" },
  stages: {
    a: {
      kind: "presentation",
      title: "A",
      decision: {
        question: "What now?",
        choices: [
          { text: "good", grade: "best", next: "b" },
          { text: "harm", grade: "harmful", next: "harmed", flag: "cut" },
          { text: "again", grade: "wrong", next: "a" },
          { text: "scan", grade: "acceptable", next: "b", unhelpful_test: true },
        ],
      },
    },
    harmed: { kind: "consequence", title: "It got worse", next: "b" },
    b: { kind: "diagnosis", title: "B", next: "end" },
    end: {
      kind: "outcome",
      title: "End",
      redirect: [{ if: "cut", to: "end-bad" }],
      debrief: { result: "good" },
    },
    "end-bad": { kind: "outcome", title: "Bad end", debrief: { result: "harmed" } },
  },
};

const commitAt = (s, { ddx = ["x"], confidence = "unsure", choice = null, panelTop = "y" } = {}) => {
  s = update(s, { type: "ddx", ddx });
  s = update(s, { type: "confidence", value: confidence });
  if (choice != null) s = update(s, { type: "choose", choice });
  return update(s, { type: "commit", t: 1, panelTop });
};
const here = (s) => s.steps.at(-1);

test("commit needs a differential, a confidence and a decision", () => {
  let s = initialState(CASE, null);
  s = update(s, { type: "commit" });
  assert.match(s.error, /differential/);
  assert.equal(here(s).commit, null);
  s = update(s, { type: "ddx", ddx: ["y", "x"] });
  s = update(s, { type: "commit" });
  assert.match(s.error, /confident/);
  s = update(s, { type: "confidence", value: "confident" });
  s = update(s, { type: "commit" });
  assert.match(s.error, /Choose/);
  s = update(s, { type: "choose", choice: 0 });
  s = update(s, { type: "commit", t: 5 });
  assert.equal(s.error, "");
  assert.deepEqual(here(s).commit.ddx, ["y", "x"]);
});

test("the differential keeps at most three known ids in the learner's order", () => {
  let s = initialState(CASE, null);
  s = update(s, { type: "ddx", ddx: ["w", "nope", "x", "w", "y", "z"] });
  assert.deepEqual(s.draft.ddx, ["w", "x", "y"]);
});

test("the first commitment is kept; going back and committing again is appended", () => {
  let s = commitAt(initialState(CASE, null), { ddx: ["y"], choice: 2 });
  s = update(s, { type: "back" });
  assert.equal(here(s).commit, null);
  assert.equal(s.draft.choice, 2, "the draft starts from what was committed");
  s = update(s, { type: "choose", choice: 0 });
  s = update(s, { type: "ddx", ddx: ["x"] });
  s = update(s, { type: "commit", t: 2 });
  assert.equal(s.record.a.first.choice, 2);
  assert.deepEqual(s.record.a.first.ddx, ["y"]);
  assert.equal(s.record.a.later.length, 1);
  assert.equal(s.record.a.later[0].choice, 0);
});

test("a committed stage cannot be changed without a new commitment", () => {
  let s = commitAt(initialState(CASE, null), { choice: 0 });
  const before = JSON.stringify(s.steps);
  for (const ev of [
    { type: "ddx", ddx: ["z"] },
    { type: "choose", choice: 1 },
    { type: "confidence", value: "guessing" },
    { type: "commit" },
  ])
    s = update(s, ev);
  assert.equal(JSON.stringify(s.steps), before);
});

test("try again at the same stage keeps the first commitment", () => {
  let s = commitAt(initialState(CASE, null), { choice: 2 });
  s = update(s, { type: "continue" });
  assert.equal(here(s).stage, "a");
  s = commitAt(s, { choice: 0 });
  assert.equal(s.record.a.first.choice, 2);
  assert.equal(s.record.a.later[0].choice, 0);
});

test("a harmful choice changes the course: its flag redirects the ending", () => {
  let s = commitAt(initialState(CASE, null), { choice: 1 });
  s = update(s, { type: "continue" });
  assert.equal(here(s).stage, "harmed");
  s = update(update(commitAt(s), { type: "continue" }), { type: "noop" });
  s = update(commitAt(s), { type: "continue" });
  assert.equal(here(s).stage, "end-bad");
  const run = runRecord(s, 9);
  assert.equal(run.ending, "end-bad");
  assert.equal(run.safety.harmful, 1);
  assert.equal(score(s).ending, "harmed");
  // the good path reaches the good ending
  let g = commitAt(initialState(CASE, null), { choice: 0 });
  g = update(commitAt(update(g, { type: "continue" })), { type: "continue" });
  assert.equal(here(g).stage, "end");
});

test("the run record has the shape of the shared progress store", () => {
  let s = commitAt(initialState(CASE, null), { ddx: ["z", "x"], choice: 3, confidence: "confident" });
  s = update(s, { type: "continue" });
  const run = runRecord(s, 42);
  assert.deepEqual(Object.keys(run).sort(), ["efficiency", "ending", "safety", "stages", "t"]);
  const a = run.stages.find((x) => x.stage === "a");
  assert.equal(a.first.answer_rank, 2);
  assert.equal(a.confidence, "confident");
  assert.equal(a.correct, true);
  assert.equal(run.efficiency.unhelpful_tests, 1);
  const report = pathReport(s);
  assert.equal(report[0].chosen.text, "scan");
  assert.equal(report[0].best.text, "good", "the expert's choice is named when the learner's differs");
});

test("back from an uncommitted stage returns to the previous one, uncommitted", () => {
  let s = commitAt(initialState(CASE, null), { choice: 0 });
  s = update(s, { type: "continue" });
  s = update(s, { type: "back" });
  assert.equal(s.steps.length, 1);
  assert.equal(here(s).commit, null);
  assert.equal(s.record.a.first.choice, 0, "the record keeps the first commitment");
});

test("restart keeps the seed and clears the path", () => {
  let s = commitAt(initialState(CASE, null, { seed: "abc" }), { choice: 0 });
  s = update(s, { type: "restart" });
  assert.equal(s.seed, "abc");
  assert.equal(s.steps.length, 1);
  assert.deepEqual(s.record, {});
});

test("stored progress that fits is restored; a part that does not fit resets alone", () => {
  let s = commitAt(initialState(CASE, null, { seed: "q" }), { choice: 0 });
  s = update(s, { type: "continue" });
  const saved = JSON.parse(JSON.stringify(toSaved(s)));
  const back = initialState(CASE, saved, { seed: "other" });
  assert.equal(back.notice, "");
  assert.equal(back.seed, "q");
  assert.deepEqual(back.steps, s.steps);
  // a path through a stage the case no longer has: the path resets, the record stays
  const badPath = structuredClone(saved);
  badPath.steps[1].stage = "gone";
  const r1 = initialState(CASE, badPath);
  assert.equal(r1.steps.length, 1);
  assert.equal(r1.record.a.first.choice, 0);
  assert.match(r1.notice, /the path/);
  // a record with a choice the case does not have: that record resets, the path stays
  const badRecord = structuredClone(saved);
  badRecord.record.b = { first: { ddx: ["x"], confidence: "unsure", choice: 7 }, later: [] };
  const r2 = initialState(CASE, badRecord);
  assert.equal(r2.steps.length, 2);
  assert.ok(r2.record.a && !r2.record.b);
  assert.match(r2.notice, /recorded answers/);
  // another version or junk: everything resets, with a notice
  for (const junk of [{ v: STORE_VERSION - 1 }, "text", 5]) {
    const r = initialState(CASE, junk);
    assert.equal(r.steps.length, 1);
    assert.match(r.notice, /reset/);
  }
});

test("option order depends on the learner and the stage, never on the grades", () => {
  const a = choiceOrder("seed-1", "demo", "a", 4);
  assert.deepEqual(choiceOrder("seed-1", "demo", "a", 4), a, "stable across reloads");
  assert.deepEqual([...a].sort(), [0, 1, 2, 3]);
  // over many learners the best (index 0) is shown first about a quarter of the time
  let first = 0;
  for (let i = 0; i < 2000; i++) if (choiceOrder(`learner-${i}`, "demo", "a", 4)[0] === 0) first++;
  assert.ok(first > 400 && first < 600, `best first for ${first} of 2000`);
  const regraded = structuredClone(CASE);
  regraded.stages.a.decision.choices.reverse();
  assert.deepEqual(shownOrder(regraded, "s", "a"), shownOrder(CASE, "s", "a"));
  assert.deepEqual(shownOrder({ ...CASE, order: "authored" }, "s", "a"), [0, 1, 2, 3]);
});
