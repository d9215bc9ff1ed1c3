// The quiz as data: initialState(data, progress) and update(state, event) are pure (no DOM, no
// model, no storage), tested under node --test (tests/js/quiz-state.test.mjs). The view
// (quiz.js) draws a state; render() turns the learner's actions into events and writes each
// new attempt to the shared progress store (progress.js).
//
// Honest scoring: every committed answer is an attempt appended to the item's record; the first
// attempt is the score, later ones are kept beside it; "Try again" and "Review the ones I got
// wrong" reopen an item without deleting anything. A stored attempt is checked against the bank
// (type and range of its choice) and graded again here, never trusted: what does not fit resets
// that item alone, with a notice. Confidence (certainty-based marking, 1-3) goes with each answer.

import { createEmptyCard, fsrs, Rating } from "ts-fsrs";

export const CONFIDENCE = [
  { level: 1, label: "Not sure" },
  { level: 2, label: "Fairly sure" },
  { level: 3, label: "Sure" },
];
// certainty-based marks (Gardner-Medwin): right 1/2/3, wrong 0/-2/-6
const CBM_RIGHT = [0, 1, 2, 3];
const CBM_WRONG = [0, 0, -2, -6];
export const MR_RULE =
  "Multiple response: each right choice earns its share of the mark and each wrong choice takes a share away (never below zero); full marks only with every right choice and no wrong one.";

// ------------------------------------------------------------------ option order (seeded)

function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s) {
  let x = 2166136261;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), 16777619);
  return x >>> 0;
}

// The page's option order; widgets/itemcues.py shown_order() is the same shuffle in Python.
export function shuffled(list, seed, salt) {
  const rnd = seeded(hashString(`${seed}:${salt}`));
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ------------------------------------------------------------------ grading

export function matchingAnswers(item) {
  return [...item.pairs.map((p) => p.right), ...(item.spares ?? [])];
}

const isIndex = (x, n) => Number.isInteger(x) && x >= 0 && x < n;

// Does a stored or typed choice fit this item (type and range)?
export function validChoice(item, choice) {
  if (item.type === "sba") return isIndex(choice, item.options.length);
  if (item.type === "multiple")
    return (
      Array.isArray(choice) &&
      choice.length > 0 &&
      choice.every((c) => isIndex(c, item.options.length)) &&
      new Set(choice).size === choice.length
    );
  if (item.type === "numeric") return typeof choice === "number" && Number.isFinite(choice);
  if (item.type === "matching")
    return (
      Array.isArray(choice) &&
      choice.length === item.pairs.length &&
      choice.every((c) => isIndex(c, matchingAnswers(item).length))
    );
  return false;
}

// { score 0..1, correct }: the one rule used on the page and in the Moodle export.
export function grade(item, choice) {
  if (item.type === "sba") return whole(item.options[choice]?.correct === true);
  if (item.type === "multiple") {
    const keyed = item.options.filter((o) => o.correct).length;
    const wrong = item.options.length - keyed;
    let s = 0;
    for (const c of choice) s += item.options[c].correct ? 1 / keyed : -1 / wrong;
    const score = Math.max(0, Math.min(1, Math.round(s * 1000) / 1000));
    return { score, correct: score === 1 };
  }
  if (item.type === "numeric")
    return whole(Math.abs(choice - item.answer.value) <= item.answer.tolerance + 1e-9);
  if (item.type === "matching") {
    const right = item.pairs.filter((_p, i) => choice[i] === i).length;
    return { score: right / item.pairs.length, correct: right === item.pairs.length };
  }
  return whole(false);
}

function whole(ok) {
  return { score: ok ? 1 : 0, correct: ok };
}

export function cbmMark(correct, confidence) {
  return correct ? CBM_RIGHT[confidence] : CBM_WRONG[confidence];
}

export function parseNumber(text) {
  const t = String(text ?? "")
    .trim()
    .replace(/\u2212/g, "-");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  return Number(t);
}

// ------------------------------------------------------------------ stored attempts

export const itemKey = (item) => `${item.bank}/${item.id}`;

// A stored attempt, checked and graded again: null when it does not fit the item.
function checkAttempt(item, a) {
  if (!a || typeof a !== "object" || !validChoice(item, a.choice)) return null;
  const confidence = [1, 2, 3].includes(a.confidence) ? a.confidence : null;
  const t = Number.isFinite(a.t) ? a.t : 0;
  const dt = Number.isFinite(a.dt) && a.dt >= 0 ? Math.min(a.dt, 600) : 0;
  return { t, choice: a.choice, confidence, dt, ...grade(item, a.choice) };
}

// { records: {id: [attempt]}, resets: [id] } from the shared progress, item by item.
export function readRecords(items, progress) {
  const records = {};
  const resets = [];
  for (const item of items) {
    const stored = progress?.items?.[itemKey(item)]?.attempts ?? [];
    const checked = stored.map((a) => checkAttempt(item, a));
    if (checked.some((a) => a === null)) {
      records[item.id] = [];
      resets.push(item.id);
    } else records[item.id] = checked;
  }
  return { records, resets };
}

// ------------------------------------------------------------------ state and events

// data: { items, seed, mode: "quiz" | "review", now }; progress: the shared store's contents.
export function initialState(data, progress) {
  const items = data.items;
  const { records, resets } = readRecords(items, progress);
  const number = Object.fromEntries(items.map((it, i) => [it.id, i + 1]));
  const notices = resets.map(
    (id) =>
      `Your saved answer to question ${number[id]} did not fit the question and has been reset; your other answers are kept.`,
  );
  const state = {
    items,
    seed: data.seed ?? 0,
    mode: data.mode ?? "quiz",
    records,
    resets,
    open: {},
    drafts: {},
    errors: {},
    reviewing: false,
    notices,
    focus: null,
    lastAttempt: null,
    visible: items.map((it) => it.id),
    due: [],
  };
  if (state.mode !== "review") return state;
  const due = schedule(items, records, progress, data.now ?? 0);
  const dueItems = due.filter((d) => d.kind === "item" && d.dueNow).map((d) => d.id);
  return {
    ...state,
    due,
    visible: dueItems,
    open: Object.fromEntries(dueItems.map((id) => [id, true])),
  };
}

export const answered = (state, id) => (state.records[id]?.length ?? 0) > 0 && !state.open[id];
export const latest = (state, id) => state.records[id]?.at(-1) ?? null;
export const first = (state, id) => state.records[id]?.[0] ?? null;

function byId(state, id) {
  return state.items.find((it) => it.id === id);
}

function draftOf(state, id) {
  return state.drafts[id] ?? { choice: null, confidence: null, text: "", started: null };
}

function choose(state, ev) {
  const item = byId(state, ev.id);
  const d = draftOf(state, ev.id);
  let choice = d.choice;
  let text = d.text;
  if (item.type === "sba") choice = ev.value;
  else if (item.type === "multiple") {
    const set = new Set(choice ?? []);
    if (set.has(ev.value)) set.delete(ev.value);
    else set.add(ev.value);
    choice = [...set].sort((a, b) => a - b);
  } else if (item.type === "numeric") text = String(ev.value);
  else if (item.type === "matching") {
    choice = [...(choice ?? item.pairs.map(() => null))];
    choice[ev.row] = ev.value === "" || ev.value === null ? null : Number(ev.value);
  }
  const started = d.started ?? ev.t ?? null;
  const errors = { ...state.errors, [ev.id]: "" };
  return { ...state, errors, drafts: { ...state.drafts, [ev.id]: { ...d, choice, text, started } } };
}

function draftChoice(item, d) {
  if (item.type === "numeric") {
    const v = parseNumber(d.text);
    return v === null
      ? {
          error: `"${String(d.text).trim()}" is not a number: type digits with a point as the decimal mark, e.g. 2.40.`,
        }
      : { choice: v };
  }
  if (item.type === "matching" && (d.choice ?? []).some((c) => c === null))
    return { error: "Choose a match for every row first." };
  if (!validChoice(item, d.choice)) return { error: "Choose an answer first." };
  return { choice: d.choice };
}

function commit(state, ev) {
  const item = byId(state, ev.id);
  const d = draftOf(state, ev.id);
  const got = draftChoice(item, d);
  let error = got.error;
  if (!error && !d.confidence) error = "Say how sure you are before checking your answer.";
  if (error)
    return { ...state, errors: { ...state.errors, [ev.id]: error }, focus: { id: ev.id, target: "error" } };
  const t = ev.t ?? 0;
  const dt = d.started !== null && t >= d.started ? Math.min(600, Math.round((t - d.started) / 1000)) : 0;
  const attempt = { t, choice: got.choice, confidence: d.confidence, dt, ...grade(item, got.choice) };
  const drafts = { ...state.drafts };
  delete drafts[ev.id];
  return {
    ...state,
    drafts,
    records: { ...state.records, [ev.id]: [...(state.records[ev.id] ?? []), attempt] },
    open: { ...state.open, [ev.id]: false },
    errors: { ...state.errors, [ev.id]: "" },
    focus: { id: ev.id, target: "result" },
    lastAttempt: { id: ev.id, key: itemKey(item), attempt },
  };
}

function review(state) {
  const wrong = state.items.filter(
    (it) => (state.records[it.id]?.length ?? 0) > 0 && !latest(state, it.id).correct,
  );
  const open = { ...state.open };
  for (const it of wrong) open[it.id] = true;
  const visible = wrong.map((it) => it.id);
  return {
    ...state,
    reviewing: true,
    open,
    visible,
    focus: visible.length ? { id: visible[0], target: "question" } : null,
  };
}

export function update(state, ev) {
  const s = { ...state, focus: null, lastAttempt: null };
  switch (ev.type) {
    case "choose":
      return choose(s, ev);
    case "confidence":
      return { ...s, drafts: { ...s.drafts, [ev.id]: { ...draftOf(s, ev.id), confidence: ev.level } } };
    case "commit":
      return commit(s, ev);
    case "retry":
      return { ...s, open: { ...s.open, [ev.id]: true }, focus: { id: ev.id, target: "question" } };
    case "review":
      return review(s);
    case "showAll":
      return {
        ...s,
        reviewing: false,
        visible: s.items.map((it) => it.id),
        focus: { id: null, target: "top" },
      };
    case "dismiss":
      return { ...s, notices: [] };
    case "reload": {
      const { records } = readRecords(s.items, ev.progress);
      return { ...s, records };
    }
    default:
      return state;
  }
}

// ------------------------------------------------------------------ scores and calibration

// First-attempt score over the items of this state (later attempts do not change it).
export function firstAttemptScore(state) {
  const firsts = state.items.map((it) => first(state, it.id)).filter(Boolean);
  return {
    answered: firsts.length,
    correct: firsts.filter((a) => a.correct).length,
    total: state.items.length,
    cbm: firsts.reduce((s, a) => s + (a.confidence ? cbmMark(a.correct, a.confidence) : 0), 0),
  };
}

// How often the learner was right at each confidence level (first attempts).
export function calibration(attempts) {
  return CONFIDENCE.map(({ level, label }) => {
    const at = attempts.filter((a) => a?.confidence === level);
    return { level, label, n: at.length, right: at.filter((a) => a.correct).length };
  });
}

// ------------------------------------------------------------------ spaced practice (ts-fsrs)

const scheduler = fsrs({ enable_fuzz: false });

function rating(a) {
  if (!a.correct) return Rating.Again;
  return a.confidence === 3 ? Rating.Easy : a.confidence === 1 ? Rating.Hard : Rating.Good;
}

// The card after replaying every attempt through FSRS (deterministic: no fuzz).
export function cardFor(attempts) {
  const sorted = [...attempts].sort((a, b) => a.t - b.t);
  let card = createEmptyCard(new Date(sorted[0].t));
  for (const a of sorted)
    card = scheduler.next(card, new Date(Math.max(a.t, card.last_review?.getTime() ?? 0)), rating(a)).card;
  return card;
}

// Case decisions as attempts: one per stage per run (correct and confidence as the case recorded).
export function caseAttempts(progress) {
  const out = {};
  for (const [caseId, rec] of Object.entries(progress?.cases ?? {})) {
    for (const run of rec.runs ?? []) {
      for (const st of run?.stages ?? []) {
        if (!st || typeof st.stage !== "string" || typeof st.correct !== "boolean") continue;
        const key = `case/${caseId}/${st.stage}`;
        const confidence = [1, 2, 3].includes(st.confidence) ? st.confidence : 2;
        if (!out[key]) out[key] = { caseId, stage: st.stage, attempts: [] };
        out[key].attempts.push({
          t: Number(run.t) || 0,
          correct: st.correct,
          confidence,
        });
      }
    }
  }
  return out;
}

// Everything the learner has met, due first (most overdue first), then the rest by due date.
export function schedule(items, records, progress, now) {
  const rows = [];
  for (const it of items) {
    const at = records[it.id] ?? [];
    if (at.length) rows.push({ kind: "item", id: it.id, key: itemKey(it), due: cardFor(at).due.getTime() });
  }
  for (const [key, c] of Object.entries(caseAttempts(progress))) {
    rows.push({
      kind: "case",
      id: key,
      caseId: c.caseId,
      stage: c.stage,
      key,
      due: cardFor(c.attempts).due.getTime(),
    });
  }
  for (const r of rows) r.dueNow = r.due <= now;
  return rows.sort((a, b) => b.dueNow - a.dueNow || a.due - b.due || a.id.localeCompare(b.id));
}

// ------------------------------------------------------------------ "My progress"

// Per chapter and objective: items, attempted, first-attempt right, mean confidence; totals;
// calibration; time spent (sum of the seconds each first attempt took); cases.
export function progressSummary(items, progress) {
  const { records } = readRecords(items, progress);
  const chapters = new Map();
  const firsts = [];
  for (const it of items) {
    const a = records[it.id]?.[0];
    if (a) firsts.push(a);
    const ch = chapters.get(it.chapter) ?? new Map();
    chapters.set(it.chapter, ch);
    const row = ch.get(it.objective) ?? {
      objective: it.objective,
      items: 0,
      attempted: 0,
      right: 0,
      conf: [],
    };
    ch.set(it.objective, row);
    row.items += 1;
    if (a) {
      row.attempted += 1;
      row.right += a.correct ? 1 : 0;
      if (a.confidence) row.conf.push(a.confidence);
    }
  }
  const seconds = Object.values(records)
    .flat()
    .reduce((s, a) => s + (a.dt || 0), 0);
  return {
    chapters: [...chapters].map(([chapter, m]) => ({ chapter, objectives: [...m.values()] })),
    attempted: firsts.length,
    right: firsts.filter((a) => a.correct).length,
    total: items.length,
    calibration: calibration(firsts),
    seconds,
    cases: caseSummary(progress),
  };
}

export function caseSummary(progress) {
  return Object.entries(progress?.cases ?? {}).map(([id, rec]) => {
    const runs = (rec.runs ?? []).filter((r) => r && typeof r === "object");
    const done = runs.filter((r) => r.ending);
    const firstRun = done[0] ?? null;
    const harmful = Number(firstRun?.safety?.harmful);
    return {
      id,
      runs: runs.length,
      completed: done.length,
      firstHarmful: firstRun && Number.isFinite(harmful) ? harmful : null,
    };
  });
}
