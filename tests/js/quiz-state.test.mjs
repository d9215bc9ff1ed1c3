// The quiz's state module and the shared progress store without a browser:  node --test tests/js/
// Stored progress that parses but does not fit (per item type) resets that item alone and keeps
// the quiz usable; review keeps the first attempt; one multiple-response rule; certainty-based
// marks and calibration; the FSRS schedule with a fixed clock; the progress file round-trips.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  KEY,
  exportProgress,
  importProgress,
  loadProgress,
  mergeProgress,
  recordCaseRun,
  recordItemAttempt,
} from "../../widgets/static/progress.js";
import {
  answered,
  calibration,
  cbmMark,
  first,
  firstAttemptScore,
  grade,
  initialState,
  progressSummary,
  schedule,
  update,
} from "../../widgets/static/quiz-state.js";

const opt = (text, correct = false) => ({ text, correct, feedback: `why ${text}`, cite: ["young2018"] });
const ITEMS = [
  {
    bank: "b",
    id: "s1",
    type: "sba",
    chapter: "c1",
    objective: "O1",
    question: "Q?",
    options: [opt("A", true), opt("B"), opt("C"), opt("D"), opt("E")],
  },
  {
    bank: "b",
    id: "m1",
    type: "multiple",
    chapter: "c1",
    objective: "O2",
    question: "Q?",
    options: [opt("A", true), opt("B", true), opt("C"), opt("D")],
  },
  {
    bank: "b",
    id: "n1",
    type: "numeric",
    chapter: "c2",
    objective: "O3",
    question: "Q?",
    answer: { value: 2.4, tolerance: 0.01, unit: "mmol/L" },
  },
  {
    bank: "b",
    id: "x1",
    type: "matching",
    chapter: "c2",
    objective: "O4",
    question: "Q?",
    pairs: [
      { left: "L1", right: "R1" },
      { left: "L2", right: "R2" },
      { left: "L3", right: "R3" },
    ],
    spares: ["S1"],
  },
];
const store = () => {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => m.set(k, String(v)),
    removeItem: (k) => m.delete(k),
    m,
  };
};
const progressWith = (items) => ({ version: 1, items, cases: {}, review: {}, reflection: {} });
const good = { t: 1, choice: 0, correct: true, confidence: 3 };

function answer(state, id, choose, confidence, t) {
  let s = state;
  for (const ev of choose) s = update(s, { type: "choose", id, t, ...ev });
  s = update(s, { type: "confidence", id, level: confidence });
  return update(s, { type: "commit", id, t: t + 5000 });
}

const CORRUPT = {
  sba: [{ t: 1, choice: 99, correct: true, confidence: 2 }], // out of range, claims correct
  multiple: [{ t: 1, choice: 3, correct: true, confidence: 2 }], // a number for an MR item
  numeric: [{ t: 1, choice: "2.4", correct: true, confidence: 2 }], // a string
  matching: [{ t: 1, choice: null, correct: true, confidence: 2 }], // null on a matching item
};
const ID = { sba: "s1", multiple: "m1", numeric: "n1", matching: "x1" };

for (const [type, attempts] of Object.entries(CORRUPT)) {
  test(`corrupt stored ${type} answer resets that item alone and the quiz stays usable`, () => {
    const items = { "b/s1": { attempts: [good] }, [`b/${ID[type]}`]: { attempts } };
    if (type === "sba") items["b/n1"] = { attempts: [{ t: 1, choice: 2.4, correct: false, confidence: 1 }] };
    const s = initialState({ items: ITEMS }, progressWith(items));
    assert.deepEqual(s.resets, [ID[type]]);
    assert.equal(s.notices.length, 1);
    assert.match(s.notices[0], /did not fit/);
    assert.equal(answered(s, ID[type]), false);
    if (type !== "sba") assert.equal(first(s, "s1").correct, true); // the others are kept
    // a stored "correct: true" is never trusted: graded again from the choice
    if (type === "sba") assert.equal(first(s, "n1").correct, true);
    // still usable: the reset item can be answered
    const choose = {
      sba: [{ value: 1 }],
      multiple: [{ value: 0 }, { value: 1 }],
      numeric: [{ value: "2.40" }],
      matching: [
        { row: 0, value: 0 },
        { row: 1, value: 1 },
        { row: 2, value: 2 },
      ],
    }[type];
    const next = answer(s, ID[type], choose, 2, 10);
    assert.equal(answered(next, ID[type]), true);
    assert.equal(next.lastAttempt.key, `b/${ID[type]}`);
  });
}

test("unreadable progress (not JSON, wrong version) starts empty and is kept as a backup", () => {
  const st = store();
  st.setItem(KEY, "{not json");
  assert.deepEqual(loadProgress(st).items, {});
  assert.equal(st.getItem(`${KEY}:unreadable`), "{not json");
  st.setItem(KEY, JSON.stringify({ version: 7, items: { "b/s1": { attempts: [good] } } }));
  assert.deepEqual(loadProgress(st).items, {});
});

test("review of wrong answers reopens them and keeps the first attempt", () => {
  let s = initialState({ items: ITEMS }, progressWith({}));
  s = answer(s, "s1", [{ value: 2 }], 3, 1000); // wrong, sure
  s = answer(s, "n1", [{ value: "2.4" }], 2, 2000); // right
  assert.equal(firstAttemptScore(s).correct, 1);
  s = update(s, { type: "review" });
  assert.deepEqual(s.visible, ["s1"]);
  assert.equal(answered(s, "s1"), false);
  assert.equal(s.records.s1.length, 1, "review deletes nothing");
  assert.deepEqual(s.focus, { id: "s1", target: "question" });
  s = answer(s, "s1", [{ value: 0 }], 2, 9000); // now right
  assert.equal(s.records.s1.length, 2);
  assert.equal(first(s, "s1").correct, false, "the first attempt is kept");
  assert.equal(
    firstAttemptScore(s).correct,
    1,
    "a later right answer does not change the first-attempt score",
  );
});

test("try again focuses the question, not an empty element", () => {
  let s = initialState({ items: ITEMS }, progressWith({}));
  s = answer(s, "s1", [{ value: 1 }], 1, 1);
  assert.deepEqual(s.focus, { id: "s1", target: "result" });
  s = update(s, { type: "retry", id: "s1" });
  assert.deepEqual(s.focus, { id: "s1", target: "question" });
});

test("a commit needs a confidence and a number; nothing is recorded until then", () => {
  let s = initialState({ items: ITEMS }, progressWith({}));
  s = update(s, { type: "choose", id: "n1", value: "two", t: 1 });
  s = update(s, { type: "confidence", id: "n1", level: 2 });
  s = update(s, { type: "commit", id: "n1", t: 2 });
  assert.match(s.errors.n1, /not a number/);
  s = update(s, { type: "choose", id: "s1", value: 0, t: 1 });
  s = update(s, { type: "commit", id: "s1", t: 2 });
  assert.match(s.errors.s1, /how sure/);
  assert.equal(s.records.s1.length + s.records.n1.length, 0);
});

test("one multiple-response rule: shares for right choices, minus shares for wrong ones, floor 0", () => {
  const mr = ITEMS[1];
  assert.deepEqual(grade(mr, [0, 1]), { score: 1, correct: true });
  assert.deepEqual(grade(mr, [0]), { score: 0.5, correct: false });
  assert.deepEqual(grade(mr, [0, 1, 2]), { score: 0.5, correct: false });
  assert.deepEqual(grade(mr, [2, 3]), { score: 0, correct: false });
});

test("matching with spares: a spare is never a right match", () => {
  const m = ITEMS[3];
  assert.equal(grade(m, [0, 1, 2]).correct, true);
  assert.equal(grade(m, [0, 1, 3]).correct, false);
  assert.equal(Math.round(grade(m, [0, 1, 3]).score * 3), 2);
});

test("certainty-based marks and calibration", () => {
  assert.deepEqual(
    [1, 2, 3].map((c) => cbmMark(true, c)),
    [1, 2, 3],
  );
  assert.deepEqual(
    [1, 2, 3].map((c) => cbmMark(false, c)),
    [0, -2, -6],
  );
  const cal = calibration([
    { correct: true, confidence: 3 },
    { correct: false, confidence: 3 },
    { correct: true, confidence: 1 },
  ]);
  assert.deepEqual(
    cal.map((c) => [c.n, c.right]),
    [
      [1, 1],
      [0, 0],
      [2, 1],
    ],
  );
});

test("the scheduler orders due items first, most overdue first, with a fixed clock", () => {
  const day = 86400000;
  const t0 = Date.UTC(2026, 11, 1);
  const items = {
    "b/s1": { attempts: [{ t: t0, choice: 0, correct: true, confidence: 3 }] }, // easy: due much later
    "b/m1": { attempts: [{ t: t0, choice: [2], correct: false, confidence: 2 }] }, // wrong: due soon
    "b/n1": { attempts: [{ t: t0 - 30 * day, choice: 1, correct: false, confidence: 1 }] }, // wrong long ago
  };
  const p = progressWith(items);
  p.cases = {
    c4: {
      runs: [
        {
          t: t0 + 3600000,
          ending: "good",
          stages: [{ stage: "s2", first: "a", correct: false, confidence: 2 }],
        },
      ],
    },
  };
  const s = initialState({ items: ITEMS }, p);
  const now = t0 + 2 * day;
  const rows = schedule(ITEMS, s.records, p, now);
  assert.deepEqual(
    rows.map((r) => r.id),
    ["n1", "m1", "case/c4/s2", "s1"],
  );
  assert.deepEqual(
    rows.map((r) => r.dueNow),
    [true, true, true, false],
  );
  const r = initialState({ items: ITEMS, mode: "review", now }, p);
  assert.deepEqual(r.visible, ["n1", "m1"]);
  assert.equal(answered(r, "n1"), false);
  assert.equal(
    initialState({ items: ITEMS, mode: "review", now: t0 - 30 * day + 30000 }, p).visible.length,
    0,
  );
});

test("progress store appends attempts, never overwrites the first, and the export round-trips", () => {
  const a = store();
  recordItemAttempt("b/s1", { t: 1, choice: 2, correct: false, confidence: 3 }, a);
  recordItemAttempt("b/s1", { t: 2, choice: 0, correct: true, confidence: 2 }, a);
  recordCaseRun(
    "c1",
    { t: 3, ending: "good", stages: [], safety: { harmful: 0 }, efficiency: { unhelpful_tests: 1 } },
    a,
  );
  const text = exportProgress(a);
  const b = store();
  recordItemAttempt("b/m1", { t: 5, choice: [0, 1], correct: true, confidence: 1 }, b);
  assert.equal(importProgress(text, b).ok, true);
  const got = loadProgress(b);
  assert.deepEqual(
    got.items["b/s1"].attempts.map((x) => x.t),
    [1, 2],
  );
  assert.equal(got.items["b/s1"].attempts[0].correct, false);
  assert.ok(got.items["b/m1"]);
  assert.equal(got.cases.c1.runs.length, 1);
  assert.equal(importProgress(text, b).ok, true);
  assert.equal(loadProgress(b).items["b/s1"].attempts.length, 2, "importing twice adds nothing");
  const before = b.getItem(KEY);
  assert.equal(importProgress("not a progress file", b).ok, false);
  assert.equal(b.getItem(KEY), before, "a bad file changes nothing");
  assert.deepEqual(mergeProgress(got, got), got);
});

test("My progress summarises first attempts per objective, time, calibration and cases", () => {
  const p = progressWith({
    "b/s1": {
      attempts: [
        { t: 1, choice: 1, correct: true, confidence: 3, dt: 40 },
        { t: 2, choice: 0, confidence: 3, dt: 20 },
      ],
    },
    "b/n1": { attempts: [{ t: 1, choice: 2.4, confidence: 2, dt: 60 }] },
  });
  p.cases = {
    c9: {
      runs: [
        { t: 1, ending: "x", safety: { harmful: 2 } },
        { t: 2, ending: "y", safety: { harmful: 0 } },
      ],
    },
  };
  const sum = progressSummary(ITEMS, p);
  assert.equal(sum.attempted, 2);
  assert.equal(sum.right, 1, "s1's first attempt (choice 1) is wrong whatever it claims; n1 is right");
  assert.equal(sum.seconds, 120);
  const o1 = sum.chapters.find((c) => c.chapter === "c1").objectives.find((o) => o.objective === "O1");
  assert.deepEqual([o1.items, o1.attempted, o1.right], [1, 1, 0]);
  assert.deepEqual(sum.cases, [{ id: "c9", runs: 2, completed: 2, firstHarmful: 2 }]);
});
