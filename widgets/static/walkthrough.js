// Case walk-through: the front-end of widgets.Walkthrough. A case is a graph of stages; the
// learner decides at each one, gets feedback with references, and can commit a working
// diagnosis to compare with the differential panel: the browser evaluator (clinical.js) run on
// what the path has revealed so far. Progress is kept in localStorage per case (versioned) and
// in the `steps` / `working` traitlets. For education, not for clinical decisions.
import { assess } from "./clinical.js";
import { citeLinks, h } from "./dom.js";

const WT_STORE_VERSION = 1;
const WT_LEVELS = ["supported", "consistent", "possible", "not-judged", "unlikely"];
const WT_KIND_LABEL = {
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
const WT_GRADE = {
  best: "Good choice",
  acceptable: "A defensible choice",
  wrong: "Not the best choice",
  harmful: "This could harm the patient",
};
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
  const verdicts = rules.verdicts;
  const labels = Object.fromEntries(verdicts.map((v) => [v.id, v.label]));
  const split = (item) => {
    if ("evidence_for" in item || "evidence_against" in item) {
      return { for: item.evidence_for ?? [], against: item.evidence_against ?? [] };
    }
    const pro = [],
      con = [];
    for (const r of item.reasons ?? []) {
      const against = r.direction === "against" || (r.points ?? 0) < 0 || r.cap != null;
      (against ? con : pro).push(r);
    }
    return { for: pro, against: con };
  };
  const items = [];
  for (const [i, c] of (a.conditions ?? []).entries()) {
    items.push({
      id: c.id,
      name: c.name,
      kind: "condition",
      level: c.level ?? c.verdict,
      score: c.score ?? 0,
      order: i,
      ...split(c),
    });
  }
  (a.lookalikes ?? []).forEach((l, i) => {
    const level =
      l.level ??
      l.verdict ??
      verdicts.find((v) => v.min_score != null && (l.score ?? 0) >= v.min_score)?.id ??
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
  const shown = items.filter(
    (x) => WT_LEVELS.indexOf(x.level) > -1 && WT_LEVELS.indexOf(x.level) < WT_LEVELS.indexOf("not-judged"),
  );
  shown.sort(
    (x, y) =>
      WT_LEVELS.indexOf(x.level) - WT_LEVELS.indexOf(y.level) || y.score - x.score || x.order - y.order,
  );
  for (const x of shown) x.level_label = labels[x.level] ?? x.level;
  return { summary: a.headline?.text ?? a.summary ?? "", legend: a.legend ?? "", items: shown };
}

function render({ model, el }) {
  const uid = `wt${++wtCounter}`;
  let data, rules;
  try {
    data = JSON.parse(model.get("case_json"));
    rules = JSON.parse(model.get("rules_json"));
  } catch {
    el.append(h("p", { class: "wt-message", text: "This case could not be read." }));
    return;
  }
  const stages = data.stages;
  const storeKey = `calcinosis-course:case:${data.id}`;
  const root = h("section", { class: "wt-case", "aria-label": `Case: ${data.title}` });
  const live = h("p", { class: "wt-live", role: "status", "aria-live": "polite" });
  el.append(root);

  // ---------------------------------------------------------------- state
  const fresh = () => ({ steps: [{ stage: data.start, choice: null }], working: {} });
  const valid = (s) => {
    if (!s || typeof s !== "object" || !Array.isArray(s.steps) || !s.steps.length) return false;
    if (s.working == null || typeof s.working !== "object" || Array.isArray(s.working)) return false;
    if (s.steps[0]?.stage !== data.start) return false;
    for (let i = 0; i < s.steps.length; i++) {
      const st = stages[s.steps[i]?.stage];
      if (!st) return false;
      const c = s.steps[i].choice;
      if (c != null && !(Number.isInteger(c) && st.decision && c >= 0 && c < st.decision.choices.length))
        return false;
      if (i > 0) {
        const prev = s.steps[i - 1],
          ps = stages[prev.stage];
        const expected = ps.decision
          ? prev.choice != null
            ? ps.decision.choices[prev.choice].next
            : null
          : ps.next;
        if (expected !== s.steps[i].stage) return false;
      }
    }
    return Object.entries(s.working).every(
      ([k, v]) => /^\d+$/.test(k) && Number(k) < s.steps.length && typeof v === "string",
    );
  };
  let message = "";
  let state = null;
  const fromModel = { steps: model.get("steps") ?? [], working: model.get("working") ?? {} };
  if (fromModel.steps.length && valid(fromModel)) state = fromModel;
  if (!state) {
    try {
      const raw = globalThis.localStorage?.getItem(storeKey);
      if (raw != null) {
        const saved = JSON.parse(raw);
        if (saved?.v === WT_STORE_VERSION && valid(saved))
          state = { steps: saved.steps, working: saved.working };
        else
          message =
            "Your saved progress for this case could not be read (it may be from an older version) and has been reset.";
      }
    } catch {
      message = "Your saved progress for this case could not be read and has been reset.";
    }
  }
  state = state ?? fresh();
  if (message) {
    try {
      globalThis.localStorage?.removeItem(storeKey);
    } catch {
      /* storage unavailable */
    }
  }

  let saving = false;
  function save() {
    try {
      globalThis.localStorage?.setItem(
        storeKey,
        JSON.stringify({ v: WT_STORE_VERSION, steps: state.steps, working: state.working }),
      );
    } catch {
      /* private mode or storage full: progress lives in this page only */
    }
    saving = true;
    try {
      model.set("steps", structuredClone(state.steps));
      model.set("working", structuredClone(state.working));
      model.save_changes();
    } finally {
      saving = false;
    }
  }

  // ---------------------------------------------------------------- helpers
  const refs = (keys) =>
    citeLinks(keys, {
      labels: model.get("ref_labels") ?? {},
      base: model.get("bibliography_url"),
      cls: "wt-refs",
    });
  const nameOf = (id) => data.names?.[id] ?? id;
  const visited = () => {
    const out = [];
    for (const s of state.steps) if (!out.includes(s.stage)) out.push(s.stage);
    return out;
  };

  function panel(stepIndex) {
    const scenario = mergeReveals(visited().map((s) => stages[s].reveal));
    let view;
    try {
      view = panelView(rules, assess(rules, scenario));
    } catch (e) {
      return h("p", { class: "wt-message", text: `The differential could not be computed: ${e.message}` });
    }
    const box = h("div", { class: "wt-panel" });
    box.append(h("p", { class: "wt-panel-title", text: "The model's differential on what is known so far" }));
    const mine = state.working[stepIndex];
    const top = view.items[0];
    if (mine) {
      const yours = mine === "unsure" ? "not sure yet" : nameOf(mine);
      const agree = top && mine === top.id;
      box.append(
        h(
          "p",
          { class: "wt-compare" },
          `Your working diagnosis: ${yours}. `,
          top
            ? `The panel ranks ${top.name} first${agree ? ", as you did." : "."}`
            : "The panel lists nothing above 'unlikely' yet.",
        ),
      );
    }
    if (view.summary) box.append(h("p", { class: "wt-summary", text: view.summary }));
    if (!view.items.length)
      box.append(h("p", { text: "Nothing is more than unlikely on what has been revealed so far." }));
    const list = h("ol", { class: "wt-ranking" });
    for (const item of view.items) {
      const li = h(
        "li",
        { class: `wt-item wt-level-${item.level}` },
        h("span", { class: "wt-item-name", text: item.name }),
        h("span", {
          class: "wt-badge",
          text: `${item.level_label}${item.kind === "lookalike" ? " · look-alike" : ""}`,
        }),
      );
      const det = h(
        "details",
        { class: "wt-reasons" },
        h("summary", { text: `Why (${item.for.length} for, ${item.against.length} against)` }),
      );
      if (item.for.length)
        det.append(
          h("p", { class: "wt-sub", text: "For" }),
          h("ul", {}, ...item.for.map((r) => h("li", {}, r.text, refs(r.cite)))),
        );
      if (item.against.length)
        det.append(
          h("p", { class: "wt-sub", text: "Against or limiting" }),
          h("ul", {}, ...item.against.map((r) => h("li", {}, r.text, refs(r.cite)))),
        );
      li.append(det);
      list.append(li);
    }
    box.append(list);
    if (view.legend) box.append(h("p", { class: "wt-legend", text: view.legend }));
    else
      box.append(
        h("p", {
          class: "wt-legend",
          text: "Levels, best first: supported, consistent, possible. The panel says what the revealed findings are consistent with; it does not diagnose.",
        }),
      );
    return box;
  }

  function workingForm(stepIndex) {
    const form = h("form", { class: "wt-working" });
    const id = `${uid}-working-${stepIndex}`;
    const select = h(
      "select",
      { id, name: "working" },
      h("option", { value: "unsure", text: "Not sure yet" }),
      ...Object.entries(data.names ?? {}).map(([k, v]) => h("option", { value: k, text: v })),
    );
    if (state.working[stepIndex]) select.value = state.working[stepIndex];
    form.append(
      h("label", { for: id, text: "Your working diagnosis at this stage" }),
      select,
      h("button", {
        type: "submit",
        class: "wt-button",
        text: state.working[stepIndex] ? "Change" : "Commit and show the panel",
      }),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      state.working[stepIndex] = select.value;
      save();
      draw(
        `Working diagnosis committed: ${select.value === "unsure" ? "not sure yet" : nameOf(select.value)}. The differential panel is shown.`,
        ".wt-panel",
      );
    });
    return form;
  }

  function progress(current) {
    const kinds = data.kind_order;
    const reached = new Set(state.steps.map((s) => stages[s.stage].kind));
    const list = h("ol", { class: "wt-progress", "aria-label": "Stages of the case" });
    for (const k of kinds) {
      const here = stages[current].kind === k;
      list.append(
        h("li", {
          class: `${reached.has(k) ? "wt-done" : ""}${here ? " wt-here" : ""}`,
          "aria-current": here ? "step" : null,
          text: WT_KIND_LABEL[k],
        }),
      );
    }
    return list;
  }

  function pathSummary() {
    const list = h("ol", { class: "wt-path" });
    state.steps.forEach((s, i) => {
      const st = stages[s.stage];
      const li = h("li", {}, h("strong", { text: `${WT_KIND_LABEL[st.kind]}: ${st.title}` }));
      if (state.working[i])
        li.append(
          h("span", {
            text: ` · your working diagnosis: ${state.working[i] === "unsure" ? "not sure yet" : nameOf(state.working[i])}`,
          }),
        );
      if (s.choice != null) {
        const ch = st.decision.choices[s.choice];
        li.append(
          h("div", { class: `wt-grade-${ch.grade}` }, `You chose: ${ch.text} — ${WT_GRADE[ch.grade]}`),
        );
      }
      list.append(li);
    });
    return list;
  }

  // ---------------------------------------------------------------- drawing
  function draw(announce = "", focusSelector = null) {
    const i = state.steps.length - 1;
    const step = state.steps[i];
    const st = stages[step.stage];
    root.replaceChildren();
    root.append(
      h("p", { class: "wt-title", text: data.title }),
      h("p", { class: "wt-composite", text: data.composite }),
      h("p", { class: "wt-edu", text: "For education, not for clinical decisions." }),
    );
    if (message) root.append(h("p", { class: "wt-message", role: "alert", text: message }));
    root.append(progress(step.stage));
    const body = h("div", { class: "wt-stage", tabindex: "-1" });
    body.append(
      h("h3", { class: "wt-stage-title", text: `${WT_KIND_LABEL[st.kind]}: ${st.title}` }),
      h("p", { text: st.text }),
    );
    if (st.cite) body.append(h("p", { class: "wt-sub" }, "Sources:", refs(st.cite)));
    root.append(body);

    const ending = !st.decision && !st.next;
    if (!ending) {
      root.append(workingForm(i));
      if (state.working[i]) root.append(panel(i));
    }

    if (st.decision) {
      const fs = h("fieldset", { class: "wt-decision" }, h("legend", { text: st.decision.question }));
      st.decision.choices.forEach((ch, ci) => {
        const chosen = step.choice === ci;
        fs.append(
          h("button", {
            type: "button",
            class: `wt-choice${chosen ? " wt-chosen" : ""}`,
            "aria-pressed": chosen ? "true" : "false",
            disabled: step.choice != null && !chosen,
            text: ch.text,
            onclick: () => {
              if (step.choice != null) return;
              step.choice = ci;
              save();
              draw(`${WT_GRADE[ch.grade]}. ${ch.feedback}`, ".wt-feedback");
            },
          }),
        );
      });
      root.append(fs);
      if (step.choice != null) {
        const ch = st.decision.choices[step.choice];
        root.append(
          h(
            "div",
            { class: `wt-feedback wt-grade-${ch.grade}`, tabindex: "-1" },
            h("p", { class: "wt-grade", text: WT_GRADE[ch.grade] }),
            h("p", {}, ch.feedback, refs(ch.cite)),
            h("button", {
              type: "button",
              class: "wt-button wt-continue",
              text: ch.next === step.stage ? "Try again" : "Continue",
              onclick: () => advance(ch.next),
            }),
          ),
        );
      }
    } else if (st.next) {
      root.append(
        h("button", {
          type: "button",
          class: "wt-button wt-continue",
          text: "Continue",
          onclick: () => advance(st.next),
        }),
      );
    } else {
      const d = st.debrief;
      root.append(
        h(
          "div",
          { class: "wt-debrief", tabindex: "-1" },
          h("h3", { text: "Debrief" }),
          h("p", { text: d.happened }),
          h("p", { class: "wt-sub", text: "Key learning points" }),
          h("ul", {}, ...d.points.map((p) => h("li", { text: p }))),
          h("p", { class: "wt-sub" }, "References:", refs(d.cite)),
          h("p", { class: "wt-answer", text: `The diagnosis in this case: ${data.answer.name}.` }),
          h("p", { class: "wt-sub", text: "The path you took" }),
          pathSummary(),
        ),
      );
      root.append(panel(i));
    }

    const nav = h("div", { class: "wt-nav" });
    nav.append(
      h("button", {
        type: "button",
        class: "wt-button",
        text: "Back",
        disabled: state.steps.length < 2 && step.choice == null,
        onclick: back,
      }),
    );
    nav.append(h("button", { type: "button", class: "wt-button", text: "Restart", onclick: restart }));
    root.append(nav, live);
    live.textContent = announce;
    if (focusSelector) root.querySelector(focusSelector)?.focus?.({ preventScroll: false });
  }

  function advance(next) {
    const i = state.steps.length - 1;
    state.steps.push({ stage: next, choice: null });
    // "Try again" at the same stage keeps the wrong turn in the path and the working diagnosis.
    if (next === state.steps[i].stage && state.working[i]) state.working[i + 1] = state.working[i];
    message = "";
    save();
    draw(`${WT_KIND_LABEL[stages[next].kind]}: ${stages[next].title}`, ".wt-stage");
  }

  function back() {
    const cur = state.steps[state.steps.length - 1];
    if (cur.choice != null) cur.choice = null;
    else if (state.steps.length > 1) {
      delete state.working[state.steps.length - 1];
      state.steps.pop();
      state.steps[state.steps.length - 1].choice = null;
    }
    message = "";
    save();
    draw("Went back one step.", ".wt-stage");
  }

  function restart() {
    state = fresh();
    message = "";
    save();
    draw("The case has been restarted.", ".wt-stage");
  }

  // Python (a live kernel) may set the path; follow it when it is a valid one.
  model.on("change:steps change:working", () => {
    if (saving) return;
    const incoming = { steps: model.get("steps") ?? [], working: model.get("working") ?? {} };
    if (JSON.stringify(incoming) === JSON.stringify({ steps: state.steps, working: state.working })) return;
    if (incoming.steps.length && valid(incoming)) {
      state = structuredClone(incoming);
      draw();
    }
  });
  draw();
}

export default { render };
