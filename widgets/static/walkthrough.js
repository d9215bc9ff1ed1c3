// Case walk-through: the front-end of widgets.Walkthrough. The state and its transitions are
// in walkthrough-state.js (pure, tested under node --test); this file holds the views
// (functions of the state, Preact + htm) and a thin render() that wires the model's traits,
// storage, focus and announcements. At each stage the learner commits (a ranked differential,
// a confidence and the decision) before the model's panel, the feedback and the expert's
// think-aloud are shown. For education, not for clinical decisions.
import { assess } from "./clinical.js";
import { focusAfter, installTheme, liveRegion, loadFailure, printView } from "./ui.js";
import { html, render as draw } from "./view.js";
import { Refs as SharedRefs } from "./dom.js";
import {
  CONFIDENCE,
  canCommit,
  initialState,
  isEnding,
  MAX_DDX,
  pathReport,
  runRecord,
  score,
  shownOrder,
  toSaved,
  update,
} from "./walkthrough-state.js";
import { recordCaseRun } from "./progress.js";

// For measuring from the built page (tests/browser/test_walkthrough.py): the order a learner sees.
export { choiceOrder, shownOrder } from "./walkthrough-state.js";

const WT_LEVELS = ["supported", "consistent", "possible", "not-judged", "unlikely"];
const KIND = {
  presentation: "Presentation",
  history: "History",
  examination: "Examination",
  investigations: "Investigations",
  biopsy: "Biopsy",
  diagnosis: "Diagnosis",
  management: "Management",
  outcome: "Outcome",
  consequence: "What happened next",
};
const GRADE = {
  best: "Good choice",
  acceptable: "A defensible choice",
  wrong: "Not the best choice",
  harmful: "This could harm the patient",
};
const RESULT = {
  good: "The patient did well",
  delayed: "The patient did well in the end, later than they could have",
  harmed: "The patient was harmed",
};
const SEED_KEY = "calcinosis-course:learner-seed";
let wtCounter = 0;

// The scenario revealed by a sequence of stage reveals (mirrors widgets.cases.merge_reveals).
export function mergeReveals(reveals) {
  const out = {};
  const asMap = (s) => (Array.isArray(s) ? Object.fromEntries(s.map((i) => [i, true])) : { ...(s ?? {}) });
  for (const rv of reveals) {
    for (const [key, value] of Object.entries(rv ?? {})) {
      if (key === "patient" || key === "labs") out[key] = { ...(out[key] ?? {}), ...structuredClone(value) };
      else out[key] = { ...asMap(out[key]), ...structuredClone(asMap(value)) };
    }
  }
  for (const [key, value] of Object.entries(out)) {
    if (key === "patient" || key === "labs") continue;
    const vals = Object.values(value);
    out[key] = vals.every((v) => v === true)
      ? Object.keys(value)
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === true ? {} : v]));
  }
  return out;
}

// The one place that reads the model's output (mirrors widgets.cases.panel_view): conditions
// and look-alikes in one ranking, reasons split into for and against.
export function panelView(rules, a) {
  const labels = Object.fromEntries(rules.verdicts.map((v) => [v.id, v.label]));
  const split = (item) => ({ for: item.evidence_for ?? [], against: item.evidence_against ?? [] });
  const items = [];
  (a.conditions ?? []).forEach((c, i) => {
    items.push({
      id: c.id,
      name: c.name,
      kind: "condition",
      level: c.level ?? c.verdict,
      score: c.score ?? 0,
      order: i,
      ...split(c),
    });
  });
  (a.lookalikes ?? []).forEach((l, i) => {
    const level =
      l.level ??
      l.verdict ??
      rules.verdicts.find((v) => v.min_score != null && (l.score ?? 0) >= v.min_score)?.id ??
      "unlikely";
    items.push({
      id: l.id,
      name: l.name,
      kind: "lookalike",
      level,
      score: l.score ?? 0,
      order: 100 + i,
      ...split(l),
    });
  });
  const rank = (x) => WT_LEVELS.indexOf(x.level);
  const shown = items.filter((x) => rank(x) > -1 && rank(x) < WT_LEVELS.indexOf("not-judged"));
  shown.sort((x, y) => rank(x) - rank(y) || y.score - x.score || x.order - y.order);
  for (const x of shown) x.level_label = labels[x.level] ?? x.level;
  return { summary: a.headline?.text ?? a.summary ?? "", legend: a.legend ?? "", items: shown };
}

// The panel at the current step: the model on what the path has revealed so far.
function panelNow(state, rules) {
  const data = state.case;
  const seen = [];
  for (const s of state.steps) if (!seen.includes(s.stage)) seen.push(s.stage);
  try {
    return panelView(rules, assess(rules, mergeReveals(seen.map((s) => data.stages[s].reveal))));
  } catch (e) {
    return { error: `The differential could not be computed: ${e.message}`, items: [] };
  }
}

// ---------------------------------------------------------------- views (functions of state)
function Refs({ keys, ctx }) {
  return html`<${SharedRefs} keys=${keys} labels=${ctx.labels} base=${ctx.base} cls="wt-refs" />`;
}

function Progress({ state }) {
  const data = state.case;
  const here = data.stages[state.steps.at(-1).stage].kind;
  const reached = new Set(state.steps.map((s) => data.stages[s.stage].kind));
  return html`<ol class="wt-progress" aria-label="Stages of the case">
    ${data.kind_order.map(
      (k) =>
        html`<li class=${`${reached.has(k) ? "wt-done" : ""}${here === k ? " wt-here" : ""}`} aria-current=${here === k ? "step" : undefined}>${KIND[k]}</li>`,
    )}
  </ol>`;
}

function DecisionField({ state, st, uid, send }) {
  const order = shownOrder(state.case, state.seed, state.steps.at(-1).stage);
  return html`<fieldset class="wt-decision">
    <legend>${st.decision.question}</legend>
    ${order.map(
      (ci) => html`<label class="wt-option">
        <input type="radio" name=${`${uid}-choice`} checked=${state.draft.choice === ci} onChange=${() => send({ type: "choose", choice: ci })} />
        <span>${st.decision.choices[ci].text}</span>
      </label>`,
    )}
  </fieldset>`;
}

function DdxField({ state, uid, send }) {
  const names = Object.entries(state.case.names ?? {}).sort((a, b) => a[1].localeCompare(b[1]));
  const ddx = state.draft.ddx;
  const set = (i, id) => {
    const next = [...ddx];
    next[i] = id;
    send({ type: "ddx", ddx: next.filter(Boolean) });
  };
  return html`<fieldset class="wt-ddx">
    <legend>Your differential, most likely first (up to ${MAX_DDX})</legend>
    ${[0, 1, 2].map(
      (i) => html`<div class="wt-ddx-row">
        <label for=${`${uid}-ddx-${i}`}>${["1st", "2nd", "3rd"][i]}</label>
        <select id=${`${uid}-ddx-${i}`} disabled=${i > ddx.length} onChange=${(e) => set(i, e.currentTarget.value)}>
          <option value="" selected=${!ddx[i]}>${i ? "(none)" : "Choose…"}</option>
          ${names.map(([id, name]) => html`<option value=${id} selected=${ddx[i] === id}>${name}</option>`)}
        </select>
      </div>`,
    )}
  </fieldset>`;
}

function CommitForm({ state, uid, send, onCommit }) {
  const st = state.case.stages[state.steps.at(-1).stage];
  const submit = (e) => {
    e.preventDefault();
    onCommit();
  };
  return html`<form class="wt-commit" onSubmit=${submit}>
    ${st.decision ? html`<${DecisionField} state=${state} st=${st} uid=${uid} send=${send} />` : null}
    <${DdxField} state=${state} uid=${uid} send=${send} />
    <fieldset class="wt-confidence">
      <legend>How sure are you?</legend>
      ${CONFIDENCE.map(
        (c) => html`<label class="wt-option wt-inline">
          <input type="radio" name=${`${uid}-conf`} checked=${state.draft.confidence === c} onChange=${() => send({ type: "confidence", value: c })} />
          <span>${c}</span>
        </label>`,
      )}
    </fieldset>
    ${state.error ? html`<p class="wt-error" role="alert">${state.error}</p>` : null}
    <button type="submit" class="wt-button wt-primary">Commit</button>
    <p class="wt-hint">Nothing that answers is shown until you commit; your first commitment here is the one scored.</p>
  </form>`;
}

function ModelRanking({ view, ctx }) {
  if (view.error) return html`<p class="wt-message">${view.error}</p>`;
  if (!view.items.length) return html`<p>Nothing is more than unlikely on what has been revealed so far.</p>`;
  return html`<ol class="wt-ranking">
    ${view.items.map(
      (item) => html`<li class=${`wt-item wt-level-${item.level}`}>
        <span class="wt-item-name">${item.name}</span>
        <span class="wt-badge">${item.level_label}${item.kind === "lookalike" ? " · look-alike" : ""}</span>
        <details class="wt-reasons">
          <summary>Why (${item.for.length} for, ${item.against.length} against)</summary>
          ${item.for.length ? html`<p class="wt-sub">For</p><ul>${item.for.map((r) => html`<li>${r.text}<${Refs} keys=${r.cite} ctx=${ctx} /></li>`)}</ul>` : null}
          ${item.against.length ? html`<p class="wt-sub">Against or limiting</p><ul>${item.against.map((r) => html`<li>${r.text}<${Refs} keys=${r.cite} ctx=${ctx} /></li>`)}</ul>` : null}
        </details>
      </li>`,
    )}
  </ol>`;
}

function Sbar({ e }) {
  return html`<div class="wt-sbar">
    <p class="wt-sub">Escalation in SBAR form, to ${e.to}</p>
    <dl>
      <dt>Situation</dt><dd>${e.situation}</dd>
      <dt>Background</dt><dd>${e.background}</dd>
      <dt>Assessment</dt><dd>${e.assessment}</dd>
      <dt>Recommendation</dt><dd>${e.recommendation}</dd>
    </dl>
  </div>`;
}

// Shown only once the stage is committed: the learner's ranking beside the model's, the
// feedback on the decision, the expert's think-aloud.
function Panel({ state, view, ctx }) {
  const data = state.case;
  const step = state.steps.at(-1);
  const st = data.stages[step.stage];
  const c = step.commit;
  const ch = st.decision ? st.decision.choices[c.choice] : null;
  const name = (id) => data.names?.[id] ?? id;
  return html`<section class="wt-panel" aria-labelledby=${`${ctx.uid}-panel-h`}>
    <h4 class="wt-panel-heading" id=${`${ctx.uid}-panel-h`} tabindex="-1">What happened, and the model's ranking beside yours</h4>
    ${
      ch
        ? html`<div class=${`wt-feedback wt-grade-${ch.grade}`}>
          <p class="wt-grade">${GRADE[ch.grade]}: ${ch.text}</p>
          <p>${ch.feedback}<${Refs} keys=${ch.cite} ctx=${ctx} /></p>
        </div>`
        : null
    }
    <div class="wt-columns">
      <div><p class="wt-sub">Yours (${c.confidence})</p><ol class="wt-yours">${c.ddx.map((id) => html`<li>${name(id)}</li>`)}</ol></div>
      <div><p class="wt-sub">The model, on what is known so far</p><${ModelRanking} view=${view} ctx=${ctx} /></div>
    </div>
    ${st.think_aloud ? html`<div class="wt-think"><p class="wt-sub">How an expert thinks here</p><p>${st.think_aloud}</p></div>` : null}
    ${st.roles?.length ? html`<p class="wt-roles">This decision belongs to: ${st.roles.join(", ").replaceAll("-", " ")}.</p>` : null}
    ${st.escalation ? html`<${Sbar} e=${st.escalation} />` : null}
    <p class="wt-legend">${view.legend || "Levels, best first: supported, consistent, possible. The panel says what the revealed findings are consistent with; it does not diagnose."}</p>
  </section>`;
}

function PathReport({ state, ctx }) {
  const name = (id) => state.case.names?.[id] ?? id;
  return html`<ol class="wt-path">
    ${pathReport(state).map(
      (r) => html`<li>
        <p><strong>${r.title}</strong>: ${r.question}</p>
        <p class=${`wt-grade-${r.chosen.grade}`}>You chose: ${r.chosen.text} (${GRADE[r.chosen.grade]}). Your differential: ${r.ddx.map(name).join(", ")}; ${r.confidence}.</p>
        <p>${r.chosen.feedback}<${Refs} keys=${r.chosen.cite} ctx=${ctx} /></p>
        ${r.best ? html`<p class="wt-expert">The expert would have chosen: ${r.best.text}. ${r.best.feedback}<${Refs} keys=${r.best.cite} ctx=${ctx} /></p>` : null}
      </li>`,
    )}
  </ol>`;
}

function ScoreView({ state }) {
  const s = score(state);
  const name = (id) => state.case.names?.[id] ?? "—";
  return html`<div class="wt-score">
    <p class="wt-sub">Your score (first commitments)</p>
    <ul>
      <li>Decisions right first time: ${s.goodFirst} of ${s.decisions}</li>
      <li>Harmful choices made: ${s.harmful}</li>
      <li>Tests that changed nothing: ${s.unhelpful}</li>
    </ul>
    <table class="wt-table">
      <thead><tr><th scope="col">Stage</th><th scope="col">Answer in your list</th><th scope="col">Model's first</th><th scope="col">Confidence</th></tr></thead>
      <tbody>${s.rows.map((r) => html`<tr><th scope="row">${r.title}</th><td>${r.answerRank ? `#${r.answerRank}` : "no"}</td><td>${name(r.panelTop)}${r.panelAgrees ? " (yours too)" : ""}</td><td>${r.confidence}</td></tr>`)}</tbody>
    </table>
  </div>`;
}

function Debrief({ state, ctx }) {
  const data = state.case;
  const st = data.stages[state.steps.at(-1).stage];
  const d = st.debrief;
  return html`<section class="wt-debrief" aria-labelledby=${`${ctx.uid}-debrief-h`}>
    <h4 class="wt-debrief-heading" id=${`${ctx.uid}-debrief-h`} tabindex="-1">Debrief: ${RESULT[d.result] ?? d.result}</h4>
    <p>${d.happened}</p>
    <p class="wt-answer">The diagnosis in this case: ${data.answer.name}.</p>
    <p class="wt-sub">Key learning points</p>
    <ul>${d.points.map((p) => html`<li>${p}</li>`)}</ul>
    <p class="wt-sub">References:<${Refs} keys=${d.cite} ctx=${ctx} /></p>
    <${ScoreView} state=${state} />
    <p class="wt-sub">Your path, and what the expert would have done</p>
    <${PathReport} state=${state} ctx=${ctx} />
  </section>`;
}

function Stage({ state, rules, ctx, send, onCommit }) {
  const data = state.case;
  const step = state.steps.at(-1);
  const st = data.stages[step.stage];
  const ending = isEnding(st);
  return html`<div class="wt-stage">
    <h3 class="wt-stage-title" tabindex="-1">${KIND[st.kind]}: ${st.title}</h3>
    <p>${st.text}</p>
    ${st.cite ? html`<p class="wt-sub">Sources:<${Refs} keys=${st.cite} ctx=${ctx} /></p>` : null}
    ${ending ? html`<${Debrief} state=${state} ctx=${ctx} />` : null}
    ${!ending && !step.commit ? html`<${CommitForm} state=${state} uid=${ctx.uid} send=${send} onCommit=${onCommit} />` : null}
    ${!ending && step.commit ? html`<${Panel} state=${state} view=${panelNow(state, rules)} ctx=${ctx} />` : null}
    ${!ending && step.commit ? html`<button type="button" class="wt-button wt-primary wt-continue" onClick=${() => send({ type: "continue" })}>Continue</button>` : null}
  </div>`;
}

function App({ state, rules, ctx, send, onCommit }) {
  const data = state.case;
  return html`<section class="wt-case ui-component" aria-label=${`Case: ${data.title}`}>
    <p class="wt-title">${data.title}</p>
    <p class="wt-composite">${data.composite}</p>
    <p class="wt-edu">For education, not for clinical decisions.</p>
    ${state.notice ? html`<p class="wt-message" role="alert">${state.notice}</p>` : null}
    <${Progress} state=${state} />
    <${Stage} state=${state} rules=${rules} ctx=${ctx} send=${send} onCommit=${onCommit} />
    <div class="wt-nav ui-no-print">
      <button type="button" class="wt-button" disabled=${state.steps.length < 2 && !state.steps[0].commit} onClick=${() => send({ type: "back" })}>Back</button>
      <button type="button" class="wt-button" onClick=${() => send({ type: "restart" })}>Restart</button>
    </div>
  </section>`;
}

// The print view: the path taken with each decision, its feedback and the debrief.
function PrintView({ state, ctx }) {
  const data = state.case;
  const st = data.stages[state.steps.at(-1).stage];
  return html`<div class="wt-print">
    <p class="wt-title">${data.title}</p>
    <p class="wt-edu">For education, not for clinical decisions.</p>
    <p class="wt-sub">The path taken</p>
    <${PathReport} state=${state} ctx=${ctx} />
    ${isEnding(st) ? html`<${Debrief} state=${state} ctx=${ctx} />` : html`<p>Not finished: now at ${st.title}.</p>`}
  </div>`;
}

// ---------------------------------------------------------------- the thin render
function learnerSeed() {
  try {
    let seed = globalThis.localStorage?.getItem(SEED_KEY);
    if (!seed) {
      seed = Math.random().toString(36).slice(2, 10);
      globalThis.localStorage?.setItem(SEED_KEY, seed);
    }
    return seed;
  } catch {
    return Math.random().toString(36).slice(2, 10);
  }
}

function readSaved(model, key) {
  const fromModel = model.get("progress");
  if (fromModel && Object.keys(fromModel).length) return fromModel;
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return raw == null ? null : JSON.parse(raw);
  } catch {
    return "unreadable";
  }
}

const ANNOUNCE = {
  commit: (s) =>
    `Committed. ${s.case.stages[s.steps.at(-1).stage].decision ? "Feedback, " : ""}the model's ranking and the expert's reasoning are shown.`,
  continue: (s) =>
    `${KIND[s.case.stages[s.steps.at(-1).stage].kind]}: ${s.case.stages[s.steps.at(-1).stage].title}`,
  back: () => "Went back one step; you can commit again (your first commitment stays recorded).",
  restart: () => "The case has been restarted.",
};
const FOCUS = {
  commit: ".wt-panel-heading",
  continue: ".wt-debrief-heading, .wt-stage-title",
  back: ".wt-stage-title",
  restart: ".wt-stage-title",
};

function render({ model, el }) {
  installTheme();
  let data, rules;
  try {
    data = JSON.parse(model.get("case_json"));
    rules = JSON.parse(model.get("rules_json"));
  } catch (e) {
    loadFailure(el, { what: `the case data could not be read (${e.message})` });
    return;
  }
  const key = `calcinosis-course:case:${data.id}`;
  const ctx = {
    uid: `wt${++wtCounter}`,
    labels: model.get("ref_labels") ?? {},
    base: model.get("bibliography_url"),
  };
  const root = document.createElement("div");
  el.append(root);
  const live = liveRegion(el);
  let state = initialState(data, readSaved(model, key), { seed: learnerSeed() });
  let saving = false;

  function persist() {
    const saved = toSaved(state);
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(saved));
    } catch {
      /* private mode or storage full: progress lives in this page only */
    }
    saving = true;
    try {
      model.set("progress", structuredClone(saved));
      model.save_changes();
    } finally {
      saving = false;
    }
  }
  function send(event) {
    const next = update(state, event);
    if (next === state) return;
    state = next;
    const st = data.stages[state.steps.at(-1).stage];
    if (isEnding(st) && !state.recorded) {
      recordCaseRun(data.id, runRecord(state, Date.now()));
      state = update(state, { type: "recorded" });
    }
    if (event.type !== "ddx" && event.type !== "confidence" && event.type !== "choose") persist();
    paint();
    if (ANNOUNCE[event.type] && !state.error) {
      live.say(ANNOUNCE[event.type](state));
      focusAfter(root, ...FOCUS[event.type].split(", "));
    } else if (state.error) focusAfter(root, ".wt-error");
  }
  const onCommit = () => {
    const why = canCommit(state);
    const top = why ? null : (panelNow(state, rules).items[0]?.id ?? null);
    send({ type: "commit", t: Date.now(), panelTop: top });
  };
  const paint = () =>
    draw(html`<${App} state=${state} rules=${rules} ctx=${ctx} send=${send} onCommit=${onCommit} />`, root);
  printView(el, () => {
    const box = document.createElement("div");
    draw(html`<${PrintView} state=${state} ctx=${ctx} />`, box);
    return [box];
  });
  model.on("change:progress", () => {
    if (saving) return;
    const incoming = initialState(data, model.get("progress"), { seed: state.seed });
    if (!incoming.notice) {
      state = incoming;
      paint();
    }
  });
  paint();
}

export default { render };
