// The golden vectors (tests/parity/vectors.json) checked against the browser evaluator alone:
//   node --test tests/js/
// The rules come from CLINICAL_RULES_JSON (a file written by `python -m widgets rules-json`;
// tests/test_parity.py sets it), or else from running that command with the project's Python.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { loadRules, root } from "./rules.mjs";
import { assess, convert, correctedCalcium, ValidationError } from "../../widgets/static/clinical.js";

function pluck(value, path) {
  let v = value;
  for (const step of path)
    v = step !== null && typeof step === "object" ? v.map((item) => item[step.map]) : v[step];
  return v;
}

function run(rules, v) {
  try {
    if (v.kind === "assess")
      return ["ok", assess(rules, v.scenario, v.ranges === undefined ? null : v.ranges)];
    if (v.kind === "convert") return ["ok", convert(rules, ...v.args)];
    if (v.kind === "corrected") return ["ok", correctedCalcium(rules, ...v.args)];
    throw new Error(`unknown kind ${v.kind}`);
  } catch (e) {
    if (e instanceof ValidationError) return ["error", e.errors];
    throw e;
  }
}

const rules = loadRules();
const vectorsPath = process.env.CLINICAL_VECTORS_JSON || join(root, "tests", "parity", "vectors.json");
const { vectors } = JSON.parse(readFileSync(vectorsPath, "utf-8"));

test("the vectors file has hand-written and generated vectors, valid and invalid input", () => {
  assert.ok(vectors.length >= 200);
  assert.ok(vectors.some((v) => v.source === "hand"));
  assert.ok(vectors.some((v) => "error" in v) && vectors.some((v) => "expect" in v));
});

for (const v of vectors) {
  test(`${v.id} ${v.note}`, () => {
    const [kind, value] = run(rules, v);
    if ("error" in v) {
      assert.equal(kind, "error", "expected a ValidationError");
      assert.deepStrictEqual(value, v.error);
      return;
    }
    assert.equal(kind, "ok", `unexpected ValidationError ${JSON.stringify(value)}`);
    for (const [path, expected] of v.expect) {
      assert.deepStrictEqual(
        JSON.parse(JSON.stringify(pluck(value, path))),
        expected,
        `path ${JSON.stringify(path)}`,
      );
    }
  });
}
