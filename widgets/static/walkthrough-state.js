// The case walk-through's state as plain data and its transitions as one pure function
// (`update(state, event) -> state`): no DOM, no model, no storage. walkthrough.js draws the
// state and wires the events; tests/js/walkthrough-state.test.mjs runs every transition under
// `node --test`. For education, not for clinical decisions.
//
// At each stage the learner commits, before anything that answers is shown: a ranked
// differential of their own (up to three ids of the course's list), a confidence, and the
// decision. The first commitment at a stage is kept in `record[stage].first`; a later one
// (after Back, or at a "try again" stage) is appended to `later`, never written over it.

export const STORE_VERSION = 2;
export const MAX_DDX = 3;
export const CONFIDENCE = ["guessing", "unsure", "fairly sure", "confident"];

const emptyDraft = (ddx = []) => ({ ddx: [...ddx], confidence: "", choice: null });

// The stage a step to `sid` lands on: a redirect whose flag the path has set sends the learner
// to another course of the case (mirrors widgets.cases.arrive).
export function arrive(data, sid, flags) {
  for (let i = 0; i < 20; i++) {
    const red = (data.stages[sid]?.redirect ?? []).find((r) => flags.has(r.if));
    if (!red) return sid;
    sid = red.to;
  }
  return sid;
}

export function flagsOf(data, steps) {
  const flags = new Set();
  for (const s of steps) {
    const ch = s.commit != null ? data.stages[s.stage]?.decision?.choices[s.commit.choice] : null;
    if (ch?.flag) flags.add(ch.flag);
  }
  return flags;
}

export const isEnding = (stage) => !stage.decision && !stage.next;

// ---------------------------------------------------------------- option order
// A permutation of n choices that depends on the learner's seed, the case and the stage only,
// never on the grades: stable across reloads, different between learners.
function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
export function choiceOrder(seed, caseId, stageId, n) {
  let a = hash(`${seed}|${caseId}|${stageId}`) || 1;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
export const shownOrder = (data, seed, stageId) =>
  data.order === "authored"
    ? [...data.stages[stageId].decision.choices.keys()]
    : choiceOrder(seed, data.id, stageId, data.stages[stageId].decision.choices.length);

// ---------------------------------------------------------------- checking stored progress
function fitsCommit(data, stageId, c) {
  const st = data.stages[stageId];
  if (!c || typeof c !== "object" || !Array.isArray(c.ddx) || c.ddx.length > MAX_DDX) return false;
  if (!c.ddx.every((id) => typeof id === "string" && id in (data.names ?? {}))) return false;
  if (!CONFIDENCE.includes(c.confidence)) return false;
  if (st.decision)
    return Number.isInteger(c.choice) && c.choice >= 0 && c.choice < st.decision.choices.length;
  return c.choice == null;
}

function fitsSteps(data, steps) {
  if (!Array.isArray(steps) || !steps.length || steps[0]?.stage !== data.start) return false;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const st = data.stages[s?.stage];
    if (!st) return false;
    if (s.commit != null && !fitsCommit(data, s.stage, s.commit)) return false;
    if (i === steps.length - 1) break;
    if (s.commit == null && !isEnding(st) && st.decision) return false;
    const to = st.decision ? st.decision.choices[s.commit.choice].next : st.next;
    if (!to || arrive(data, to, flagsOf(data, steps.slice(0, i + 1))) !== steps[i + 1].stage) return false;
  }
  return true;
}

// The state to start from: `saved` (from storage or the notebook) where it fits the case; a
// part that does not fit (an old version, an edited case, a corrupt value) is reset on its own
// and `notice` says which.
export function initialState(data, saved, { seed = "0" } = {}) {
  const fresh = {
    case: data, // the case itself (read only; never stored)
    caseId: data.id,
    seed,
    steps: [{ stage: data.start, commit: null }],
    draft: emptyDraft(),
    record: {},
    recorded: false,
    notice: "",
    error: "",
  };
  if (saved == null) return fresh;
  if (typeof saved !== "object" || saved.v !== STORE_VERSION) {
    return {
      ...fresh,
      notice: "Your saved progress for this case is from another version and has been reset.",
    };
  }
  const state = { ...fresh, seed: typeof saved.seed === "string" ? saved.seed : seed };
  const reset = [];
  if (fitsSteps(data, saved.steps)) state.steps = structuredClone(saved.steps);
  else reset.push("the path");
  const record = {};
  let dropped = false;
  for (const [sid, r] of Object.entries(saved.record ?? {})) {
    const ok =
      sid in data.stages &&
      fitsCommit(data, sid, r?.first) &&
      Array.isArray(r.later) &&
      r.later.every((c) => fitsCommit(data, sid, c));
    if (ok) record[sid] = structuredClone(r);
    else dropped = true;
  }
  if (dropped) reset.push("some of your recorded answers");
  state.record = record;
  state.recorded = Boolean(saved.recorded) && !reset.length;
  const last = state.steps.at(-1);
  state.draft = last.commit ? emptyDraft() : emptyDraft(state.steps.length > 1 ? lastDdx(state.steps) : []);
  if (reset.length) state.notice = `Saved progress did not fit this case: ${reset.join(" and ")} reset.`;
  return state;
}

export const toSaved = (s) => ({
  v: STORE_VERSION,
  seed: s.seed,
  steps: s.steps,
  record: s.record,
  recorded: s.recorded,
});

function lastDdx(steps) {
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i].commit) return steps[i].commit.ddx;
  return [];
}

// ---------------------------------------------------------------- transitions
export function canCommit(state) {
  const data = state.case;
  const st = data.stages[state.steps.at(-1).stage];
  const d = state.draft;
  if (!d.ddx.length) return "Rank at least one diagnosis in your differential.";
  if (!CONFIDENCE.includes(d.confidence)) return "Say how confident you are.";
  if (st.decision && d.choice == null) return "Choose what you would do.";
  return "";
}

export function update(state, event) {
  const data = state.case;
  const s = {
    ...state,
    steps: state.steps.map((x) => ({ ...x })),
    draft: { ...state.draft },
    record: structuredClone(state.record),
  };
  s.error = "";
  const step = s.steps.at(-1);
  const st = data.stages[step.stage];
  switch (event.type) {
    case "ddx": {
      if (step.commit) return state;
      const ids = [...new Set(event.ddx)].filter((id) => id in (data.names ?? {}));
      s.draft.ddx = ids.slice(0, MAX_DDX);
      return s;
    }
    case "confidence":
      if (step.commit || !CONFIDENCE.includes(event.value)) return state;
      s.draft.confidence = event.value;
      return s;
    case "choose":
      if (step.commit || !st.decision || !(event.choice >= 0 && event.choice < st.decision.choices.length))
        return state;
      s.draft.choice = event.choice;
      return s;
    case "commit": {
      if (step.commit || isEnding(st)) return state;
      const why = canCommit(s);
      if (why) return { ...s, error: why };
      const commit = {
        ddx: s.draft.ddx,
        confidence: s.draft.confidence,
        choice: st.decision ? s.draft.choice : null,
        panelTop: event.panelTop ?? null,
        t: event.t ?? 0,
      };
      step.commit = commit;
      const r = s.record[step.stage];
      if (r) r.later.push(commit);
      else s.record[step.stage] = { first: commit, later: [] };
      return s;
    }
    case "continue": {
      if (!step.commit || isEnding(st)) return state;
      const to = st.decision ? st.decision.choices[step.commit.choice].next : st.next;
      const land = arrive(data, to, flagsOf(data, s.steps));
      s.steps.push({ stage: land, commit: null });
      s.draft = emptyDraft(step.commit.ddx);
      return s;
    }
    case "back": {
      if (step.commit && !isEnding(st)) {
        const c = step.commit;
        s.draft = { ddx: [...c.ddx], confidence: c.confidence, choice: c.choice };
        step.commit = null;
      } else if (s.steps.length > 1) {
        s.steps.pop();
        const prev = s.steps.at(-1);
        const c = prev.commit;
        s.draft = c ? { ddx: [...c.ddx], confidence: c.confidence, choice: c.choice } : emptyDraft();
        prev.commit = null;
      } else return state;
      return s;
    }
    case "restart":
      return initialState(data, null, { seed: s.seed });
    case "recorded":
      s.recorded = true;
      return s;
    default:
      return state;
  }
}

// ---------------------------------------------------------------- the score and the debrief
// The run in the shape of the shared progress store (CONTRACTS.md): each stage's first
// commitment (the one scored) and later ones, safety and efficiency.
export function runRecord(state, t = 0) {
  const data = state.case;
  const answer = data.answer.id;
  const stages = [];
  let harmful = 0;
  let unhelpful = 0;
  for (const [sid, r] of Object.entries(state.record)) {
    const dec = data.stages[sid].decision;
    const grade = dec ? dec.choices[r.first.choice].grade : null;
    stages.push({
      stage: sid,
      first: { ...r.first, grade, answer_rank: r.first.ddx.indexOf(answer) + 1 || null },
      later: r.later,
      confidence: r.first.confidence,
      correct: dec ? grade === "best" || grade === "acceptable" : null,
    });
  }
  for (const s of state.steps) {
    const ch = s.commit ? data.stages[s.stage].decision?.choices[s.commit.choice] : null;
    if (ch?.grade === "harmful") harmful++;
    if (ch?.unhelpful_test) unhelpful++;
  }
  return {
    t,
    ending: state.steps.at(-1).stage,
    stages,
    safety: { harmful },
    efficiency: { unhelpful_tests: unhelpful },
  };
}

// What the learner can use: per stage, their first differential against the answer and the
// panel, the grade of their first decision, and their confidence.
export function score(state) {
  const data = state.case;
  const run = runRecord(state);
  const rows = run.stages.map((s) => ({
    stage: s.stage,
    title: data.stages[s.stage].title,
    answerRank: s.first.answer_rank,
    panelTop: s.first.panelTop,
    panelAgrees: s.first.panelTop != null && s.first.ddx[0] === s.first.panelTop,
    grade: s.first.grade,
    confidence: s.confidence,
    changed: s.later.length,
  }));
  const decided = rows.filter((r) => r.grade);
  return {
    rows,
    decisions: decided.length,
    goodFirst: decided.filter((r) => r.grade === "best" || r.grade === "acceptable").length,
    harmful: run.safety.harmful,
    unhelpful: run.efficiency.unhelpful_tests,
    ending: data.stages[run.ending]?.debrief?.result ?? null,
  };
}

// The debrief built from the learner's own path: each decision they made, what it cost, and
// what the expert would have done and why.
export function pathReport(state) {
  const data = state.case;
  return state.steps
    .filter((s) => s.commit && data.stages[s.stage].decision)
    .map((s) => {
      const st = data.stages[s.stage];
      const chosen = st.decision.choices[s.commit.choice];
      const best = st.decision.choices.find((c) => c.grade === "best");
      return {
        stage: s.stage,
        title: st.title,
        question: st.decision.question,
        chosen,
        best: chosen === best ? null : best,
        thinkAloud: st.think_aloud ?? "",
        ddx: s.commit.ddx,
        confidence: s.commit.confidence,
      };
    });
}
