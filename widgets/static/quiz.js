// The self-assessment quiz, and the course's "Review" and "My progress" pages: an anywidget
// front-end (render({ model, el })), the same module live in JupyterLab and in the static book.
// State and its transitions: quiz-state.js (pure); views: quiz-view.js and quiz-pages.js;
// storage: progress.js (the shared store). render() only wires the model, storage and the DOM.

import {
  exportProgress,
  importProgress,
  loadProgress,
  recordItemAttempt,
  recordReflection,
  saveProgress,
} from "./progress.js";
import { ProgressView, ReviewView } from "./quiz-pages.js";
import { initialState, itemKey, latest, progressSummary, update } from "./quiz-state.js";
import { focusOn, installTheme, liveRegion, loadFailure, printView } from "./ui.js";
import { QuizView } from "./quiz-view.js";
import { html, render as draw } from "./view.js";

const OLD_PREFIX = "calcinosis-quiz:"; // the per-quiz store of earlier versions
let counter = 0;

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

// Answers kept by an earlier version of this quiz become first attempts (time 0), once.
function migrate(items, quizId) {
  const s = storage();
  const raw = s?.getItem(OLD_PREFIX + quizId);
  if (!raw) return;
  try {
    const old = JSON.parse(raw)?.answers ?? {};
    const p = loadProgress();
    for (const it of items) {
      const a = old[it.id];
      if (a && !p.items[itemKey(it)])
        p.items[itemKey(it)] = { attempts: [{ t: 0, choice: a.choice, confidence: null }] };
    }
    saveProgress(p);
  } catch {
    /* unreadable old record: nothing to carry over */
  }
  s.removeItem(OLD_PREFIX + quizId);
}

// Items whose stored record did not fit are reset in the store too, keeping what was there.
function storeResets(state) {
  if (!state.resets.length) return;
  const p = loadProgress();
  for (const id of state.resets) {
    const it = state.items.find((x) => x.id === id);
    const old = p.items[itemKey(it)];
    p.items[itemKey(it)] = { attempts: [], reset: { t: Date.now(), dropped: old?.attempts ?? null } };
  }
  saveProgress(p);
}

function toModel(state) {
  const out = {};
  for (const it of state.items) {
    const a = latest(state, it.id);
    if (a)
      out[it.id] = {
        choice: a.choice,
        correct: a.correct,
        confidence: a.confidence,
        first: state.records[it.id][0].correct,
      };
  }
  return out;
}

function printNodes(root, which) {
  const items = [...root.querySelectorAll(".cq-item")];
  const nodes = [];
  for (const li of items) {
    const copy = li.cloneNode(true);
    for (const n of copy.querySelectorAll("button, .cq-confidence, .cq-msg")) n.remove();
    const answers = ".cq-mark, .cq-feedback, .cq-result, .cq-teach, .cq-chosen-text";
    if (which === "worksheet") for (const n of copy.querySelectorAll(answers)) n.remove();
    if (which === "worksheet") for (const n of copy.querySelectorAll("input")) n.checked = false;
    for (const fs of copy.querySelectorAll("fieldset, legend")) {
      const div = document.createElement(fs.tagName === "LEGEND" ? "p" : "div");
      div.className = fs.className;
      div.append(...fs.childNodes);
      fs.replaceWith(div); // the course's print CSS hides fieldsets
    }
    nodes.push(copy);
  }
  const list = document.createElement("ol");
  list.className = "cq-items";
  list.append(...nodes);
  return [list];
}

function mountQuiz(model, el, items, mode) {
  const uid = `cq${++counter}`;
  const box = document.createElement("div");
  const host = document.createElement("div"); // Preact draws here; the print view sits beside it
  box.append(host);
  el.append(box);
  const live = liveRegion(el);
  const env = {
    labels: model.get("ref_labels") ?? {},
    bib: model.get("bibliography_url"),
    chapterOf: Object.fromEntries(items.map((it) => [it.id, it.chapter])),
    chapterTitle: model.get("chapter_titles") ?? {},
  };
  let printWhich = "answers";
  const pv = printView(box, () => printNodes(host, printWhich));
  env.print = (which) => {
    printWhich = which;
    pv.fill();
    window.print();
  };
  migrate(items, model.get("quiz_id"));
  let state = initialState({ items, seed: model.get("seed") ?? 0, mode, now: Date.now() }, loadProgress());
  storeResets(state);
  const View = mode === "review" ? ReviewView : QuizView;
  const redraw = () =>
    draw(html`<${View} st=${state} env=${env} on=${on} uid=${uid} title=${model.get("title")} />`, host);

  function on(event) {
    const next = update(state, { ...event, t: Date.now() });
    if (next === state) return;
    state = next;
    if (state.lastAttempt) {
      recordItemAttempt(state.lastAttempt.key, state.lastAttempt.attempt);
      model.set("answers", toModel(state));
      model.save_changes?.();
    }
    redraw();
    const f = state.focus;
    if (!f) return;
    const li = f.id ? host.querySelector(`[data-item="${CSS.escape(f.id)}"]`) : null;
    if (f.target === "result") {
      const r = li?.querySelector(".cq-result");
      live.say(r?.textContent ?? "");
      focusOn(r, li?.querySelector(".cq-question"));
    } else if (f.target === "error") focusOn(li?.querySelector(".cq-msg"), li?.querySelector(".cq-check"));
    else if (f.target === "question")
      focusOn(li?.querySelector(".cq-question"), li?.querySelector("input, select"));
    else focusOn(host.querySelector(".cq-title"), host.querySelector(".cq-score"));
  }
  redraw();
  if (state.notices.length) live.say(state.notices.join(" "));
  window.addEventListener("storage", (e) => {
    if (e.key === null || e.key?.startsWith("calcinosis-course:"))
      on({ type: "reload", progress: loadProgress() });
  });
}

function mountProgress(model, el, items) {
  const host = document.createElement("div");
  el.append(host);
  const live = liveRegion(el);
  let message = "";
  const env = {
    titles: model.get("chapter_titles") ?? {},
    caseTitles: model.get("case_titles") ?? {},
    now: Date.now(),
  };
  const redraw = () => {
    const p = loadProgress();
    env.reflection = p.reflection ?? {};
    draw(
      html`<${ProgressView} sum=${progressSummary(items, p)} env=${env} on=${on} message=${message} />`,
      host,
    );
  };
  async function on(ev) {
    if (ev.type === "reflect") recordReflection(ev.key, ev.text);
    if (ev.type === "print") window.print();
    if (ev.type === "export") {
      const blob = new Blob([exportProgress()], { type: "application/json" });
      const a = Object.assign(document.createElement("a"), {
        href: URL.createObjectURL(blob),
        download: "calcinosis-course-progress.json",
      });
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      message = "Saved: keep the file to load on another device (My progress, Load progress from a file).";
    }
    if (ev.type === "import" && ev.file) message = importProgress(await ev.file.text()).message;
    redraw();
    if (message) live.say(message);
  }
  redraw();
}

function render({ model, el }) {
  installTheme();
  let items;
  try {
    items = JSON.parse(model.get("bank_json")).items;
    if (!Array.isArray(items)) throw new Error("the question data has no list of items");
  } catch (err) {
    loadFailure(el, {
      what: `the questions could not be read (${err.message}).`,
      retry: () => window.location.reload(),
    });
    return;
  }
  const mode = model.get("mode") || "quiz";
  if (mode === "progress") mountProgress(model, el, items);
  else mountQuiz(model, el, items, mode);
}

export default { render };
