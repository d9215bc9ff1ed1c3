// Placeholder front-end while the full explorer is built: corrected calcium only.
function render({ model, el }) {
  el.innerHTML = `<label>Calcium (mmol/L) <input class="ca" value="${model.get("calcium")}"></label>
  <label>Albumin (g/L) <input class="alb" value="${model.get("albumin")}"></label>
  <output aria-live="polite"></output>`;
  const out = el.querySelector("output");
  const update = () => {
    const ca = Number(el.querySelector(".ca").value), alb = Number(el.querySelector(".alb").value);
    out.textContent = `Corrected calcium ${(ca + 0.02 * (40 - alb)).toFixed(2)} mmol/L`;
  };
  el.addEventListener("input", update);
  update();
}
export default { render };
