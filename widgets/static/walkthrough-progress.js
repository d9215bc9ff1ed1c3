// The cases' copy of recordCaseRun() with the exact shape of the shared progress store
// (CONTRACTS.md: widgets/static/progress.js, owned by the quiz branch). At merge the walk-through
// imports it from ./progress.js instead and this file goes. For education, not for clinical decisions.
export const PROGRESS_KEY = "calcinosis-course:progress:v1";

function read(storage) {
  try {
    const p = JSON.parse(storage.getItem(PROGRESS_KEY) ?? "null");
    if (p && p.version === 1 && typeof p === "object") return p;
  } catch {
    /* unreadable: start again below, keeping nothing that cannot be read */
  }
  return { version: 1, items: {}, cases: {}, review: {} };
}

// Appends a run (never overwrites an earlier one): {t, ending, stages: [{stage, first, later,
// confidence, correct}], safety: {harmful}, efficiency: {unhelpful_tests}}.
export function recordCaseRun(caseId, run, storage = globalThis.localStorage) {
  if (!storage) return false;
  const p = read(storage);
  p.cases = p.cases && typeof p.cases === "object" ? p.cases : {};
  const entry = p.cases[caseId] && Array.isArray(p.cases[caseId].runs) ? p.cases[caseId] : { runs: [] };
  entry.runs.push(run);
  p.cases[caseId] = entry;
  try {
    storage.setItem(PROGRESS_KEY, JSON.stringify(p));
    return true;
  } catch {
    return false;
  }
}
