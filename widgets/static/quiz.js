// The self-assessment quiz: anywidget front-end (render({ model, el })), the same module live
// in JupyterLab and in the static book. Bank text is data: every string is put in the page
// with textContent; a small safe subset is recognised: *emphasis*, ^superscript^, ~subscript~.
// Progress is kept per quiz in localStorage (versioned); corrupt data resets with a message.

import { citeLinks, h } from "./dom.js";

const STORE_VERSION = 1;
const STORE_PREFIX = "calcinosis-quiz:";
const TYPE_HINT = {
  sba: "Choose the single best answer.",
  multiple: "Choose every answer that applies.",
  numeric: "Type a number.",
  matching: "Match each item on the left with one on the right.",
};

// *em* ^sup^ ~sub~ -> elements whose content is set as text; nothing else is interpreted.
export function rich(text) {
  const frag = document.createDocumentFragment();
  const re = /\*([^*\n]+)\*|\^([^^\n]+)\^|~([^~\n]+)~/g;
  let last = 0;
  for (const m of String(text ?? "").matchAll(re)) {
    if (m.index > last) frag.append(text.slice(last, m.index));
    const tag = m[1] !== undefined ? "em" : m[2] !== undefined ? "sup" : "sub";
    frag.append(h(tag, { text: m[1] ?? m[2] ?? m[3] }));
    last = m.index + m[0].length;
  }
  if (last < String(text ?? "").length) frag.append(String(text).slice(last));
  return frag;
}

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

function shuffled(list, seed, salt) {
  const rnd = seeded(hashString(`${seed}:${salt}`));
  const out = list.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

// Returns { answers, message }: answers kept only if the stored record is well formed.
export function readProgress(raw, itemIds) {
  if (raw === null || raw === undefined) return { answers: {}, message: "" };
  const reset = {
    answers: {},
    message:
      "Saved progress for this quiz could not be read (it was damaged or from an older version) and has been reset.",
  };
  let data;
  try {
    data = JSON.parse(raw);
  } catch {
    return reset;
  }
  if (
    !data ||
    typeof data !== "object" ||
    data.v !== STORE_VERSION ||
    !data.answers ||
    typeof data.answers !== "object" ||
    Array.isArray(data.answers)
  )
    return reset;
  const answers = {};
  for (const [id, a] of Object.entries(data.answers)) {
    if (!itemIds.has(id)) continue;
    if (!a || typeof a !== "object" || typeof a.correct !== "boolean" || !("choice" in a)) return reset;
    answers[id] = { choice: a.choice, correct: a.correct };
  }
  return { answers, message: "" };
}

function parseNumber(text) {
  const t = String(text)
    .trim()
    .replace(/\u2212/g, "-");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return null;
  return Number(t);
}

function grade(item, choice) {
  if (item.type === "sba") return item.options[choice]?.correct === true;
  if (item.type === "multiple") {
    const keyed = item.options.map((o, i) => (o.correct ? i : -1)).filter((i) => i >= 0);
    const chosen = [...choice].sort((a, b) => a - b);
    return keyed.length === chosen.length && keyed.every((v, i) => v === chosen[i]);
  }
  if (item.type === "numeric") return Math.abs(choice - item.answer.value) <= item.answer.tolerance + 1e-9;
  if (item.type === "matching") return item.pairs.every((_p, i) => choice[i] === i);
  return false;
}

function render({ model, el }) {
  const items = JSON.parse(model.get("bank_json")).items;
  const itemIds = new Set(items.map((it) => it.id));
  const quizId = model.get("quiz_id");
  const seed = model.get("seed") ?? 0;
  const labels = model.get("ref_labels") ?? {};
  const bib = model.get("bibliography_url");
  const key = STORE_PREFIX + quizId;
  const store = storage();
  const uid = `q${hashString(quizId + Math.random()).toString(36)}`;

  let answers = { ...(model.get("answers") ?? {}) };
  let notice = "";
  if (store && Object.keys(answers).length === 0) {
    const got = readProgress(store.getItem(key), itemIds);
    answers = got.answers;
    notice = got.message;
    if (notice) store.removeItem(key);
  }
  let reviewing = false;

  const root = h("section", { class: "cq-quiz", "aria-label": model.get("title") || "Test yourself" });
  const title = model.get("title");
  if (title) root.append(h("h3", { class: "cq-title", text: title }));
  root.append(h("p", { class: "cq-note", text: "For education, not for clinical decisions." }));
  const noticeEl = h("p", { class: "cq-notice", role: "status" });
  const scoreEl = h("p", { class: "cq-score", "aria-live": "polite" });
  const reviewBtn = h("button", { type: "button", class: "cq-btn" });
  const resetBtn = h("button", { type: "button", class: "cq-btn", text: "Reset all answers" });
  root.append(noticeEl, scoreEl, h("div", { class: "cq-toolbar" }, reviewBtn, resetBtn));
  const list = h("ol", { class: "cq-items" });
  root.append(list);
  el.replaceChildren(root);

  function save() {
    model.set("answers", { ...answers });
    model.save_changes?.();
    if (store) {
      try {
        store.setItem(key, JSON.stringify({ v: STORE_VERSION, answers }));
      } catch {
        /* storage full or blocked: progress lives for this visit only */
      }
    }
  }

  function cites(cite, beyond) {
    const span = citeLinks(cite, { labels, base: bib, cls: "cq-cite" });
    if (beyond) span.append(" ", h("span", { class: "cq-beyond", text: "beyond the article" }));
    return span;
  }

  function feedbackBlock(text, cite, beyond, cls) {
    return h("div", { class: `cq-feedback ${cls ?? ""}` }, h("span", {}, rich(text)), cites(cite, beyond));
  }

  function updateScore() {
    const done = Object.values(answers);
    const right = done.filter((a) => a.correct).length;
    scoreEl.textContent = `Score: ${right} correct of ${done.length} answered (${items.length} questions).`;
    const wrong = done.length - right;
    reviewBtn.textContent = reviewing ? "Show all questions" : `Review the ones I got wrong (${wrong})`;
    reviewBtn.disabled = !reviewing && wrong === 0;
    noticeEl.textContent = notice;
    noticeEl.hidden = !notice;
  }

  function renderItem(item, index) {
    const li = h("li", { class: "cq-item", id: `${uid}-${item.id}`, "data-item": item.id });
    const fs = h("fieldset", { class: "cq-fieldset" });
    const legendId = `${uid}-${item.id}-q`;
    fs.append(h("legend", { class: "cq-legend", text: `Question ${index + 1} of ${items.length}` }));
    if (item.stem) fs.append(h("p", { class: "cq-stem" }, rich(item.stem)));
    fs.append(h("p", { class: "cq-question", id: legendId }, rich(item.question)));
    fs.append(h("p", { class: "cq-hint", text: TYPE_HINT[item.type] }));
    const live = h("div", { class: "cq-result", "aria-live": "polite" });
    const done = answers[item.id];
    const check = h("button", {
      type: "button",
      class: "cq-btn cq-check",
      text: "Check answer",
      disabled: true,
    });
    const msg = h("p", { class: "cq-msg", role: "alert" });
    let getChoice = () => null;

    if (item.type === "sba" || item.type === "multiple") {
      const order = shuffled(
        item.options.map((_, i) => i),
        seed,
        item.id,
      );
      const group = h("div", {
        class: "cq-options",
        role: item.type === "sba" ? "radiogroup" : "group",
        "aria-labelledby": legendId,
      });
      const inputs = [];
      for (const i of order) {
        const o = item.options[i];
        const id = `${uid}-${item.id}-${i}`;
        const input = h("input", {
          type: item.type === "sba" ? "radio" : "checkbox",
          name: `${uid}-${item.id}`,
          id,
          value: String(i),
        });
        const row = h(
          "div",
          { class: "cq-option", "data-option": String(i) },
          input,
          h("label", { for: id }, rich(o.text)),
        );
        inputs.push(input);
        group.append(row);
        if (done) {
          input.disabled = true;
          const chosen = item.type === "sba" ? done.choice === i : (done.choice ?? []).includes(i);
          input.checked = chosen;
          const marks = [];
          if (chosen) marks.push("Your answer");
          if (o.correct) marks.push(item.type === "sba" ? "Best answer" : "Should be chosen");
          row.classList.toggle("cq-chosen", chosen);
          row.classList.toggle("cq-key", !!o.correct);
          row.append(
            h("div", {
              class: "cq-mark",
              text: marks.length
                ? marks.join(" · ")
                : item.type === "sba"
                  ? "Not the best answer"
                  : "Should not be chosen",
            }),
          );
          row.append(feedbackBlock(o.feedback, o.cite, o.beyond));
        }
        input.addEventListener("change", () => (check.disabled = !inputs.some((x) => x.checked)));
      }
      fs.append(group);
      getChoice = () => {
        const vals = inputs.filter((x) => x.checked).map((x) => Number(x.value));
        return item.type === "sba" ? (vals.length ? vals[0] : null) : vals.length ? vals : null;
      };
    } else if (item.type === "numeric") {
      const id = `${uid}-${item.id}-n`;
      const input = h("input", {
        type: "text",
        inputmode: "decimal",
        id,
        class: "cq-number",
        autocomplete: "off",
        "aria-describedby": `${id}-msg`,
      });
      msg.id = `${id}-msg`;
      fs.append(
        h(
          "div",
          { class: "cq-numeric" },
          h("label", { for: id, text: `Your answer (${item.answer.unit})` }),
          input,
        ),
      );
      input.addEventListener("input", () => {
        msg.textContent = "";
        check.disabled = input.value.trim() === "";
      });
      getChoice = () => {
        const v = parseNumber(input.value);
        if (v === null) {
          msg.textContent = `"${input.value.trim()}" is not a number: type digits with a point as the decimal mark, e.g. 2.40.`;
          return null;
        }
        return v;
      };
      if (done) {
        input.value = String(done.choice);
        input.disabled = true;
        const a = item.answer;
        fs.append(
          h("div", {
            class: "cq-mark",
            text: `Answer: ${a.value} ${a.unit} (accepted within ± ${a.tolerance})`,
          }),
        );
        fs.append(feedbackBlock(done.correct ? a.feedback : a.wrong_feedback, a.cite, a.beyond));
      }
    } else if (item.type === "matching") {
      const rights = shuffled(
        item.pairs.map((_, i) => i),
        seed,
        item.id,
      );
      const selects = [];
      const table = h("div", { class: "cq-matching" });
      item.pairs.forEach((p, i) => {
        const id = `${uid}-${item.id}-m${i}`;
        const sel = h("select", { id }, h("option", { value: "", text: "Choose…" }));
        for (const r of rights) sel.append(h("option", { value: String(r), text: item.pairs[r].right }));
        selects.push(sel);
        const row = h("div", { class: "cq-pair" }, h("label", { for: id }, rich(p.left)), sel);
        table.append(row);
        sel.addEventListener("change", () => (check.disabled = selects.some((s) => s.value === "")));
        if (done) {
          // answered: the chosen match as text (a disabled select truncates it on a phone)
          sel.value = String(done.choice[i]);
          sel.disabled = true;
          sel.hidden = true;
          const ok = done.choice[i] === i;
          row.classList.toggle("cq-wrong", !ok);
          row.append(
            h("div", {
              class: "cq-chosen-text",
              text: `Your match: ${item.pairs[done.choice[i]]?.right ?? "?"}`,
            }),
          );
          row.append(
            h("div", {
              class: "cq-mark",
              text: ok ? "Correct match" : `Not this one: it matches "${p.right}"`,
            }),
          );
          row.append(feedbackBlock(p.feedback, p.cite, p.beyond));
        }
      });
      fs.append(table);
      getChoice = () => (selects.some((s) => s.value === "") ? null : selects.map((s) => Number(s.value)));
    }

    if (done) {
      live.textContent = done.correct ? "Correct." : "Not quite: see the feedback beside each answer.";
      live.className = `cq-result ${done.correct ? "cq-ok" : "cq-no"}`;
      const again = h("button", { type: "button", class: "cq-btn", text: "Try this question again" });
      again.addEventListener("click", () => {
        delete answers[item.id];
        save();
        draw(item.id);
      });
      fs.append(live, again);
    } else {
      check.addEventListener("click", () => {
        const choice = getChoice();
        if (choice === null) return;
        answers[item.id] = { choice, correct: grade(item, choice) };
        save();
        draw(item.id);
      });
      fs.append(msg, check, live);
    }
    li.append(fs);
    return li;
  }

  function draw(focusId) {
    list.replaceChildren();
    items.forEach((item, i) => {
      if (reviewing && !(answers[item.id] && !answers[item.id].correct) && !reviewIds.has(item.id)) return;
      list.append(renderItem(item, i));
    });
    updateScore();
    if (focusId) {
      const target = list.querySelector(`[data-item="${CSS.escape(focusId)}"] .cq-result`);
      target?.setAttribute("tabindex", "-1");
      target?.focus({ preventScroll: false });
    }
  }

  let reviewIds = new Set();
  reviewBtn.addEventListener("click", () => {
    reviewing = !reviewing;
    if (reviewing) {
      reviewIds = new Set(
        Object.entries(answers)
          .filter(([, a]) => !a.correct)
          .map(([id]) => id),
      );
      for (const id of reviewIds) delete answers[id];
      save();
    }
    notice = "";
    draw();
  });
  resetBtn.addEventListener("click", () => {
    answers = {};
    reviewing = false;
    notice = "";
    save();
    draw();
  });
  model.on?.("change:answers", () => {
    const next = model.get("answers") ?? {};
    if (JSON.stringify(next) !== JSON.stringify(answers)) {
      answers = { ...next }; // set from Python (live): keep the browser's copy in step
      if (store) {
        try {
          store.setItem(key, JSON.stringify({ v: STORE_VERSION, answers }));
        } catch {
          /* storage blocked: nothing to keep in step */
        }
      }
      draw();
    }
  });
  draw();
}

export default { render };
