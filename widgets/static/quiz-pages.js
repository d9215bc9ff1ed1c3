// The "Review" and "My progress" pages: views of the shared progress (quiz-state.js does the
// arithmetic), drawn with Preact + htm.

import { EDU_NOTE } from "./ui.js";
import { Item } from "./quiz-view.js";
import { html } from "./view.js";

const day = (ms) =>
  new Date(ms).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

export function ReviewView({ st, env, on, uid }) {
  const dueItems = st.items.map((it, i) => [it, i]).filter(([it]) => st.visible.includes(it.id));
  dueItems.sort((a, b) => st.visible.indexOf(a[0].id) - st.visible.indexOf(b[0].id));
  const cases = st.due.filter((d) => d.kind === "case" && d.dueNow);
  const later = st.due.filter((d) => !d.dueNow).slice(0, 8);
  const met = st.due.length;
  const title = env.chapterTitle ?? {};
  return html`<section class="cq-quiz cq-review-page ui-component" aria-label="Review">
    <p class="cq-note">${EDU_NOTE} Questions and case decisions you have met come back when a spaced-repetition scheduler (FSRS) says they are due: wrong answers soon, sure right answers later. Everything stays in this browser.</p>
    <h2 class="cq-title" tabindex="-1">Due now: ${dueItems.length + cases.length} of ${met} things you have met</h2>
    ${met === 0 ? html`<p>Nothing to review yet: answer the questions in the chapters (or work through a case), then come back.</p>` : null}
    ${dueItems.length ? html`<ol class="cq-items">${dueItems.map(([it], j) => html`<${Item} item=${it} index=${j} of=${dueItems.length} st=${st} env=${env} on=${on} uid=${uid} />`)}</ol>` : null}
    ${
      cases.length
        ? html`<h3>Case decisions due</h3><ul class="cq-due-cases">${cases.map(
            (c) =>
              html`<li key=${c.key}><a href=${`cases.html#case-${c.caseId}`}>Work through this case again</a> (the decision at “${c.stage}”)</li>`,
          )}</ul>`
        : null
    }
    ${
      later.length
        ? html`<h3>Coming up</h3><ul class="cq-later">${later.map(
            (d) =>
              html`<li key=${d.key}>${d.kind === "case" ? "A case decision" : `A question from “${title[env.chapterOf[d.id]] ?? env.chapterOf[d.id]}”`}: due ${day(d.due)}</li>`,
          )}</ul>`
        : null
    }
  </section>`;
}

function ObjectiveRows({ chapters, titles }) {
  return chapters.map(
    (ch) => html`<tbody key=${ch.chapter}>
      <tr><th colspan="4" scope="colgroup">${titles[ch.chapter] ?? ch.chapter}</th></tr>
      ${ch.objectives.map((o) => {
        const conf = o.conf.length ? (o.conf.reduce((a, b) => a + b, 0) / o.conf.length).toFixed(1) : "–";
        return html`<tr key=${o.objective}><td>${o.objective}</td><td>${o.attempted} of ${o.items}</td><td>${o.attempted ? `${o.right} of ${o.attempted}` : "–"}</td><td>${conf}</td></tr>`;
      })}
    </tbody>`,
  );
}

const PROMPTS = [
  ["activity", "What was the nature of the learning activity? (what you studied, how long)"],
  ["learned", "What did you learn from it?"],
  ["practice", "How did you change or improve your practice as a result?"],
  [
    "code",
    "How is this relevant to the Code? (prioritise people, practise effectively, preserve safety, promote professionalism and trust)",
  ],
];

function Reflection({ reflection, on }) {
  return html`<div class="cq-reflection">
    <h3>Reflective account</h3>
    <p class="cq-hint">Structured as a nurse's CPD reflective account (NMC revalidation). Your notes stay in this browser and print with the record.</p>
    ${PROMPTS.map(
      ([key, label]) => html`<div class="cq-prompt" key=${key}>
        <label for=${`cq-refl-${key}`}>${label}</label>
        <textarea id=${`cq-refl-${key}`} rows="3" value=${reflection[key] ?? ""}
          onChange=${(e) => on({ type: "reflect", key, text: e.currentTarget.value })}></textarea>
        <p class="cq-print-text">${reflection[key] ?? ""}</p>
      </div>`,
    )}
  </div>`;
}

function CasesTable({ cases, titles }) {
  if (!cases.length) return html`<p>No case worked through yet.</p>`;
  return html`<table class="cq-table"><caption>Cases</caption>
    <thead><tr><th scope="col">Case</th><th scope="col">Runs completed</th><th scope="col">Harmful choices in the first run</th></tr></thead>
    <tbody>${cases.map((c) => html`<tr key=${c.id}><td>${titles[c.id] ?? c.id}</td><td>${c.completed} of ${c.runs}</td><td>${c.firstHarmful ?? "–"}</td></tr>`)}</tbody>
  </table>`;
}

export function ProgressView({ sum, env, on, message }) {
  const minutes = Math.round(sum.seconds / 60);
  const objectivesCovered = sum.chapters.reduce(
    (n, ch) => n + ch.objectives.filter((o) => o.attempted).length,
    0,
  );
  const objectives = sum.chapters.reduce((n, ch) => n + ch.objectives.length, 0);
  return html`<section class="cq-quiz cq-progress-page ui-component" aria-label="My progress">
    <p class="cq-note">${EDU_NOTE} Nothing leaves this browser unless you save it to a file.</p>
    <h2 class="cq-title" tabindex="-1">Learning record</h2>
    <p class="cq-record">Date: ${day(env.now)}. Time spent answering: about ${minutes} minute(s). Objectives covered: ${objectivesCovered} of ${objectives}.</p>
    <p class="cq-score" data-first-attempt=${`${sum.right}/${sum.attempted}`}>First-attempt score: ${sum.right} of ${sum.attempted} answered (${sum.total} questions in the course).</p>
    <table class="cq-table"><caption>How often you were right at each level of confidence (first attempts)</caption>
      <thead><tr><th scope="col">Confidence</th><th scope="col">Right</th></tr></thead>
      <tbody>${sum.calibration.map((c) => html`<tr key=${c.level}><td>${c.label}</td><td>${c.n ? `${c.right} of ${c.n} (${Math.round((100 * c.right) / c.n)} %)` : "–"}</td></tr>`)}</tbody>
    </table>
    <table class="cq-table"><caption>By chapter and learning objective</caption>
      <thead><tr><th scope="col">Objective</th><th scope="col">Tried</th><th scope="col">Right first time</th><th scope="col">Mean confidence (1–3)</th></tr></thead>
      <${ObjectiveRows} chapters=${sum.chapters} titles=${env.titles} />
    </table>
    <${CasesTable} cases=${sum.cases} titles=${env.caseTitles} />
    <${Reflection} reflection=${env.reflection} on=${on} />
    <div class="cq-toolbar ui-no-print">
      <button type="button" class="cq-btn" onClick=${() => on({ type: "print" })}>Print the learning record</button>
      <button type="button" class="cq-btn" onClick=${() => on({ type: "export" })}>Save my progress to a file</button>
      <label class="cq-btn cq-file">Load progress from a file<input type="file" accept="application/json,.json" class="cq-file-input" onChange=${(e) => on({ type: "import", file: e.currentTarget.files?.[0] })} /></label>
    </div>
    <p class="cq-notice" role="status" hidden=${!message}>${message}</p>
  </section>`;
}
