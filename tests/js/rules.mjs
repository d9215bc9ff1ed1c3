// The rules data the browser evaluator reads, as the Python model writes it
// (`python -m widgets rules-json`), or from $CLINICAL_RULES_JSON when a test runner has it
// already. Shared by the node tests in this folder.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export function loadRules() {
  if (process.env.CLINICAL_RULES_JSON)
    return JSON.parse(readFileSync(process.env.CLINICAL_RULES_JSON, "utf-8"));
  const venv = join(root, ".venv", "bin", "python");
  const python = process.env.PYTHON || (existsSync(venv) ? venv : "python3");
  const text = execFileSync(python, ["-m", "widgets", "rules-json"], {
    cwd: root,
    encoding: "utf-8",
    maxBuffer: 1 << 26,
  });
  return JSON.parse(text);
}
