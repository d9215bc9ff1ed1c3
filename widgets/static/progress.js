// The learner's progress across the course, in one localStorage entry (CONTRACTS.md, "Shared
// learner progress"): every quiz attempt and case run, appended, never overwritten, so the first
// attempt at an item is kept for good. Nothing leaves the browser except through
// exportProgress() (a file the learner saves) and importProgress() (a file the learner loads).
//
//   { version: 1,
//     items:  { "<bank>/<item>": { attempts: [{ t, choice, correct, confidence, score?, dt? }] } },
//     cases:  { "<case>": { runs: [{ t, ending, stages: [...], safety: { harmful },
//                                    efficiency: { unhelpful_tests } }] } },
//     review: { "<key>": <ts-fsrs card> },          // a cache; the schedule is replayed from attempts
//     reflection: { "<prompt>": "<text>" } }         // the learner's own notes for the record
//
// Every function takes the storage last (default: localStorage), so node tests pass a Map-backed
// stand-in. A store that cannot be read is not thrown away: it is kept under a backup key.

export const KEY = "calcinosis-course:progress:v1";
export const BACKUP_KEY = `${KEY}:unreadable`;

export function emptyProgress() {
  return { version: 1, items: {}, cases: {}, review: {}, reflection: {} };
}

function isObject(x) {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

// Top-level shape only: each quiz validates its own items against its bank (quiz-state.js).
export function parseProgress(text) {
  if (text === null || text === undefined || text === "") return { progress: emptyProgress(), problem: "" };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    return { progress: emptyProgress(), problem: "the saved progress is not valid JSON" };
  }
  if (!isObject(data) || data.version !== 1) {
    return {
      progress: emptyProgress(),
      problem: "the saved progress is not version 1 of this course's format",
    };
  }
  const out = emptyProgress();
  for (const part of ["items", "cases", "review", "reflection"]) {
    if (isObject(data[part])) out[part] = data[part];
  }
  for (const [key, rec] of Object.entries(out.items)) {
    if (!isObject(rec) || !Array.isArray(rec.attempts)) delete out.items[key];
  }
  for (const [key, rec] of Object.entries(out.cases)) {
    if (!isObject(rec) || !Array.isArray(rec.runs)) delete out.cases[key];
  }
  return { progress: out, problem: "" };
}

function store(storage) {
  if (storage !== undefined) return storage;
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadProgress(storage) {
  const s = store(storage);
  if (!s) return emptyProgress();
  const raw = s.getItem(KEY);
  const { progress, problem } = parseProgress(raw);
  if (problem && raw) {
    try {
      s.setItem(BACKUP_KEY, raw); // keep what could not be read; a newer course may read it
    } catch {
      /* storage full: the unreadable copy stays where it was */
    }
  }
  return progress;
}

export function saveProgress(progress, storage) {
  const s = store(storage);
  if (!s) return false;
  try {
    s.setItem(KEY, JSON.stringify(progress));
    return true;
  } catch {
    return false; // storage full or blocked: progress lives for this visit only
  }
}

// Append one attempt; the first attempt is never overwritten. Returns the updated progress.
export function recordItemAttempt(key, attempt, storage) {
  const p = loadProgress(storage);
  const rec = p.items[key] ?? { attempts: [] };
  p.items[key] = { ...rec, attempts: [...rec.attempts, attempt] };
  saveProgress(p, storage);
  return p;
}

export function recordCaseRun(caseId, run, storage) {
  const p = loadProgress(storage);
  const rec = p.cases[caseId] ?? { runs: [] };
  p.cases[caseId] = { ...rec, runs: [...rec.runs, run] };
  saveProgress(p, storage);
  return p;
}

export function recordReflection(prompt, text, storage) {
  const p = loadProgress(storage);
  p.reflection = { ...p.reflection, [prompt]: String(text) };
  saveProgress(p, storage);
  return p;
}

export function exportProgress(storage) {
  const p = loadProgress(storage);
  return JSON.stringify({ ...p, exported: new Date().toISOString() }, null, 1);
}

const attemptId = (a) => JSON.stringify([a?.t, a?.choice, a?.confidence]);

// Union of two progress records: attempts and runs are merged by time, nothing is dropped, and
// what was here first stays first. Pure.
export function mergeProgress(here, there) {
  const out = structuredClone(here);
  for (const [key, rec] of Object.entries(there.items)) {
    const mine = out.items[key]?.attempts ?? [];
    const seen = new Set(mine.map(attemptId));
    const extra = rec.attempts.filter((a) => !seen.has(attemptId(a)));
    out.items[key] = { attempts: [...mine, ...extra].sort((a, b) => (a?.t ?? 0) - (b?.t ?? 0)) };
  }
  for (const [key, rec] of Object.entries(there.cases)) {
    const mine = out.cases[key]?.runs ?? [];
    const seen = new Set(mine.map((r) => r?.t));
    const extra = rec.runs.filter((r) => !seen.has(r?.t));
    out.cases[key] = { runs: [...mine, ...extra].sort((a, b) => (a?.t ?? 0) - (b?.t ?? 0)) };
  }
  out.reflection = { ...there.reflection, ...out.reflection };
  return out;
}

// Load a file the learner saved: { ok, message }. The stored progress changes only when the
// file reads as this course's progress.
export function importProgress(text, storage) {
  const { progress, problem } = parseProgress(text);
  if (problem) return { ok: false, message: `Not loaded: ${problem}.` };
  const merged = mergeProgress(loadProgress(storage), progress);
  if (!saveProgress(merged, storage))
    return { ok: false, message: "Not loaded: this browser blocks storage." };
  const n = Object.keys(progress.items).length;
  const c = Object.keys(progress.cases).length;
  return { ok: true, message: `Loaded: ${n} question(s) and ${c} case(s) merged with what was here.` };
}
