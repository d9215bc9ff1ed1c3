// Runs shared test vectors through the browser evaluator (widgets/static/clinical.js) and
// prints the results as JSON, for tests/test_parity.py to compare with the Python model.
//   node tests/js/run_parity.mjs RULES.json VECTORS.json
// VECTORS.json: [{id, kind: "assess", scenario, ranges?} | {id, kind: "convert", args: [...]}
//               | {id, kind: "corrected", args: [...]}]
// Output: [{id, result} | {id, error: {error: "ValidationError", errors: [...]}}]
import { readFileSync } from "node:fs";
import { assess, convert, correctedCalcium, ValidationError } from "../../widgets/static/clinical.js";

const [rulesPath, vectorsPath] = process.argv.slice(2);
if (!rulesPath || !vectorsPath) {
  console.error("usage: node tests/js/run_parity.mjs RULES.json VECTORS.json");
  process.exit(2);
}
const rules = JSON.parse(readFileSync(rulesPath, "utf-8"));
const vectors = JSON.parse(readFileSync(vectorsPath, "utf-8"));
const out = [];
for (const v of vectors) {
  try {
    let result;
    if (v.kind === "assess") result = assess(rules, v.scenario, v.ranges === undefined ? null : v.ranges);
    else if (v.kind === "convert") result = convert(rules, ...v.args);
    else if (v.kind === "corrected") result = correctedCalcium(rules, ...v.args);
    else throw new Error(`unknown kind ${v.kind}`);
    out.push({ id: v.id, result });
  } catch (e) {
    if (e instanceof ValidationError) out.push({ id: v.id, error: e.toDict() });
    else out.push({ id: v.id, crash: `${e.name}: ${e.message}\n${e.stack}` });
  }
}
process.stdout.write(JSON.stringify(out));
