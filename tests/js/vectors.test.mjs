// The golden vectors (tests/parity/vectors.json) checked against the browser evaluator alone:
//   node --test tests/js/
// The rules come from CLINICAL_RULES_JSON (a file written by `python -m widgets rules-json`;
// tests/test_parity.py sets it), or else from running that command with the project's Python.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { assess, convert, correctedCalcium, ValidationError } from "../../widgets/static/clinical.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function loadRules() {
  if (process.env.CLINICAL_RULES_JSON)
    return JSON.parse(readFileSync(process.env.CLINICAL_RULES_JSON, "utf-8"));
  const venv = join(root, ".venv", "bin", "python");
  const python = process.env.PYTHON || (existsSync(venv) ? venv : "python3");
  return JSON.parse(
    execFileSync(python, ["-m", "widgets", "rules-json"], {
      cwd: root,
      encoding: "utf-8",
      maxBuffer: 1 << 26,
    }),
  );
}

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
