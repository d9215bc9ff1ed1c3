// The quiz's views: functions of the state (quiz-state.js) drawn with Preact + htm. Bank text is
// data: it is passed to the view as text, never as HTML; *em*, ^sup^ and ~sub~ are recognised.

import {
  answered,
  CONFIDENCE,
  calibration,
  first,
  firstAttemptScore,
  latest,
  MR_RULE,
  matchingAnswers,
  shuffled,
} from "./quiz-state.js";
import { EDU_NOTE } from "./ui.js";
import { html } from "./view.js";
import { Refs } from "./dom.js";

const TYPE_HINT = {
  sba: "Choose the single best answer.",
  multiple: "Choose every answer that applies.",
  numeric: "Type a number.",
  matching: "Match each item on the left with one answer; some answers match nothing.",
};

export function Rich({ text }) {
  const out = [];
  const s = String(text ?? "");
  const re = /\*([^*\n]+)\*|\^([^^\n]+)\^|~([^~\n]+)~/g;
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    if (m[1] !== undefined) out.push(html`<em>${m[1]}</em>`);
    else if (m[2] !== undefined) out.push(html`<sup>${m[2]}</sup>`);
    else out.push(html`<sub>${m[3]}</sub>`);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

export function Cites({ cite, beyond, env }) {
  if (!cite?.length) return null;
  return html`<span class="cq-cite"><${Refs} keys=${cite} labels=${env.labels} base=${env.bib} cls="cq-refs" />${
    beyond ? html` <span class="cq-beyond">beyond the article</span>` : null
  }</span>`;
}

function Feedback({ text, cite, beyond, env }) {
  return html`<div class="cq-feedback"><span><${Rich} text=${text} /></span><${Cites}
    cite=${cite} beyond=${beyond} env=${env} /></div>`;
}

function Options({ item, st, env, on, uid }) {
  const done = answered(st, item.id) ? latest(st, item.id) : null;
  const draft = st.drafts[item.id]?.choice;
  const order = shuffled(
    item.options.map((_, i) => i),
    st.seed,
    item.id,
  );
  const single = item.type === "sba";
  const rows = order.map((i) => {
    const o = item.options[i];
    const id = `${uid}-${item.id}-${i}`;
    const chosen = done
      ? single
        ? done.choice === i
        : done.choice.includes(i)
      : single
        ? draft === i
        : (draft ?? []).includes(i);
    const mark = [];
    if (done && chosen) mark.push("Your answer");
    if (done && o.correct) mark.push(single ? "Best answer" : "Should be chosen");
    const markText = mark.length ? mark.join(" · ") : single ? "Not the best answer" : "Should not be chosen";
    const cls = `cq-option${done && chosen ? " cq-chosen" : ""}${done && o.correct ? " cq-key" : ""}`;
    return html`<div class=${cls} data-option=${i} key=${i}>
      <input type=${single ? "radio" : "checkbox"} id=${id} name=${`${uid}-${item.id}`} value=${i}
        checked=${chosen} disabled=${Boolean(done)}
        onChange=${() => on({ type: "choose", id: item.id, value: i })} />
      <label for=${id}><${Rich} text=${o.text} /></label>
      ${done ? html`<div class="cq-mark">${markText}</div><${Feedback} text=${o.feedback} cite=${o.cite} beyond=${o.beyond} env=${env} />` : null}
    </div>`;
  });
  return html`<div class="cq-options" role=${single ? "radiogroup" : "group"} aria-labelledby=${`${uid}-${item.id}-q`}>${rows}</div>`;
}

function Numeric({ item, st, env, on, uid }) {
  const done = answered(st, item.id) ? latest(st, item.id) : null;
  const id = `${uid}-${item.id}-n`;
  const a = item.answer;
  const value = done ? String(done.choice) : (st.drafts[item.id]?.text ?? "");
  return html`<div class="cq-numeric">
      <label for=${id}>Your answer (${a.unit})</label>
      <input type="text" inputmode="decimal" id=${id} class="cq-number" autocomplete="off" value=${value}
        disabled=${Boolean(done)} aria-describedby=${`${id}-msg`}
        onInput=${(e) => on({ type: "choose", id: item.id, value: e.currentTarget.value })} />
    </div>
    ${
      done
        ? html`<div class="cq-mark">Answer: ${a.value} ${a.unit} (accepted within ± ${a.tolerance})</div>
          <${Feedback} text=${done.correct ? a.feedback : a.wrong_feedback} cite=${a.cite} beyond=${a.beyond} env=${env} />`
        : null
    }`;
}

function Matching({ item, st, env, on, uid }) {
  const done = answered(st, item.id) ? latest(st, item.id) : null;
  const answers = matchingAnswers(item);
  const order = shuffled(
    answers.map((_, i) => i),
    st.seed,
    item.id,
  );
  const draft = st.drafts[item.id]?.choice ?? [];
  const rows = item.pairs.map((p, i) => {
    const id = `${uid}-${item.id}-m${i}`;
    if (done) {
      const ok = done.choice[i] === i;
      return html`<div class=${`cq-pair${ok ? "" : " cq-wrong"}`} key=${i}>
        <span class="cq-left"><${Rich} text=${p.left} /></span>
        <div class="cq-chosen-text">Your match: ${answers[done.choice[i]] ?? "?"}</div>
        <div class="cq-mark">${ok ? "Correct match" : `Not this one: it matches "${p.right}"`}</div>
        <${Feedback} text=${p.feedback} cite=${p.cite} beyond=${p.beyond} env=${env} />
      </div>`;
    }
    return html`<div class="cq-pair" key=${i}>
      <label for=${id}><${Rich} text=${p.left} /></label>
      <select id=${id} value=${draft[i] ?? ""} onChange=${(e) => on({ type: "choose", id: item.id, row: i, value: e.currentTarget.value })}>
        <option value="">Choose…</option>
        ${order.map((r) => html`<option value=${r} key=${r}>${answers[r]}</option>`)}
      </select>
    </div>`;
  });
  return html`<div class="cq-matching">${rows}</div>`;
}

function Confidence({ item, st, on, uid }) {
  const level = st.drafts[item.id]?.confidence ?? null;
  const name = `${uid}-${item.id}-conf`;
  return html`<fieldset class="cq-confidence">
    <legend>How sure are you?</legend>
    ${CONFIDENCE.map(
      (c) => html`<label key=${c.level} class="cq-conf">
        <input type="radio" name=${name} value=${c.level} checked=${level === c.level}
          onChange=${() => on({ type: "confidence", id: item.id, level: c.level })} /> ${c.label}</label>`,
    )}
  </fieldset>`;
}

function Result({ item, st, on }) {
  const last = latest(st, item.id);
  const firstA = first(st, item.id);
  const n = st.records[item.id].length;
  const part = last.correct
    ? "Correct."
    : last.score > 0
      ? `Partly right (${Math.round(last.score * 100)} % of the mark).`
      : "Not quite: see the feedback beside each answer.";
  const history = n > 1 ? ` First attempt: ${firstA.correct ? "right" : "wrong"}; this is attempt ${n}.` : "";
  const teach = item.teach ? item.teach.split("#") : null;
  return html`<p class=${`cq-result ${last.correct ? "cq-ok" : "cq-no"}`} tabindex="-1">${part}${history}</p>
    ${teach ? html`<p class="cq-teach"><a href=${`${teach[0]}.html#${teach[1]}`}>Where the course teaches this</a></p>` : null}
    <button type="button" class="cq-btn cq-again" onClick=${() => on({ type: "retry", id: item.id })}>Try this question again</button>`;
}

export function Item({ item, index, of, st, env, on, uid }) {
  const done = answered(st, item.id);
  const Body = item.type === "numeric" ? Numeric : item.type === "matching" ? Matching : Options;
  const err = st.errors[item.id];
  return html`<li class="cq-item" data-item=${item.id} key=${item.id}>
    <fieldset class="cq-fieldset">
      <legend class="cq-legend">Question ${index + 1} of ${of ?? st.items.length}</legend>
      ${item.stem ? html`<p class="cq-stem"><${Rich} text=${item.stem} /></p>` : null}
      <p class="cq-question" id=${`${uid}-${item.id}-q`} tabindex="-1"><${Rich} text=${item.question} /></p>
      <p class="cq-hint">${TYPE_HINT[item.type]}${item.type === "multiple" ? ` ${MR_RULE}` : ""}</p>
      <${Body} item=${item} st=${st} env=${env} on=${on} uid=${uid} />
      ${
        done
          ? html`<${Result} item=${item} st=${st} on=${on} />`
          : html`<${Confidence} item=${item} st=${st} on=${on} uid=${uid} />
            <p class="cq-msg" role="alert" id=${`${uid}-${item.id}-n-msg`}>${err || ""}</p>
            <button type="button" class="cq-btn cq-check" onClick=${() => on({ type: "commit", id: item.id })}>Check answer</button>`
      }
    </fieldset>
  </li>`;
}

function ScoreLine({ st }) {
  const s = firstAttemptScore(st);
  const firsts = st.items.map((it) => first(st, it.id)).filter(Boolean);
  const cal = calibration(firsts).filter((c) => c.n);
  const calText = cal.length
    ? ` When ${cal.map((c) => `${c.label.toLowerCase()}: right ${c.right} of ${c.n}`).join("; ")}.`
    : "";
  return html`<p class="cq-score">First-attempt score: ${s.correct} of ${s.answered} answered (${s.total} questions); certainty-based mark ${s.cbm}.${calText}</p>`;
}

export function QuizView({ st, env, on, uid, title }) {
  const wrong = st.items.filter((it) => st.records[it.id]?.length && !latest(st, it.id).correct).length;
  const visible = st.items.map((it, i) => [it, i]).filter(([it]) => st.visible.includes(it.id));
  return html`<section class="cq-quiz ui-component" aria-label=${title || "Test yourself"}>
    ${title ? html`<h3 class="cq-title" tabindex="-1">${title}</h3>` : null}
    <p class="cq-note">${EDU_NOTE} Your first answer to each question is kept as your score; later attempts are recorded beside it. Certainty-based marking: right 1, 2 or 3 marks when not sure, fairly sure or sure; wrong 0, −2 or −6.</p>
    ${st.notices.map((n) => html`<p class="cq-notice" role="status">${n}</p>`)}
    <${ScoreLine} st=${st} />
    <div class="cq-toolbar ui-no-print">
      ${
        st.reviewing
          ? html`<button type="button" class="cq-btn" onClick=${() => on({ type: "showAll" })}>Show all questions</button>`
          : html`<button type="button" class="cq-btn cq-review" disabled=${wrong === 0} onClick=${() => on({ type: "review" })}>Review the ones I got wrong (${wrong})</button>`
      }
      <button type="button" class="cq-btn" onClick=${() => env.print("answers")}>Print with answers</button>
      <button type="button" class="cq-btn" onClick=${() => env.print("worksheet")}>Print as a worksheet</button>
    </div>
    <ol class="cq-items">${visible.map(([it, i]) => html`<${Item} item=${it} index=${i} st=${st} env=${env} on=${on} uid=${uid} />`)}</ol>
  </section>`;
}
