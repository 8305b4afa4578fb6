// The official TypeSpec toolchain as one long-lived process for the tests: compiling in one
// process, with the compiler and its libraries loaded once, costs a fraction of a
// `tsp compile` per file (about 1.4 s of start-up each).
//
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
//   {"op": "compile", "main": ABS, "outputDir": ABS, "config": ABS|null,
//    "emit": ["@typespec/openapi3"]|null, "options": {...}|null}
//     -> {"diagnostics": [{code, severity, message, file, line, column}]}
//   {"op": "format", "text": "..."}  -> {"formatted": "..."} or {"error": "..."}
// Lines and columns are 1-based, as the compiler prints them.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const root = process.argv[2];
const compiler = await import(
  pathToFileURL(resolve(root, "node_modules/@typespec/compiler/dist/src/index.js")).href
);
const { compile, NodeHost, resolveCompilerOptions, getSourceLocation, formatTypeSpec } = compiler;

function located(diagnostic) {
  const out = {
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    file: null,
    line: null,
    column: null,
  };
  try {
    const location = getSourceLocation(diagnostic.target, { locateId: true });
    if (location && location.file) {
      const position = location.file.getLineAndCharacterOfPosition(location.pos);
      out.file = location.file.path;
      out.line = position.line + 1;
      out.column = position.character + 1;
    }
  } catch {
    // An unlocatable target (NoTarget, a synthetic type): the diagnostic stays unlocated.
  }
  return out;
}

async function compileRequest(request) {
  const overrides = { outputDir: request.outputDir };
  if (request.emit) overrides.emit = request.emit;
  if (request.options) overrides.options = request.options;
  const [options, configDiagnostics] = await resolveCompilerOptions(NodeHost, {
    entrypoint: request.main,
    configPath: request.config ?? undefined,
    cwd: request.cwd ?? resolve(request.main, ".."),
    env: process.env,
    overrides,
  });
  if (!request.emit && !request.config) options.noEmit = true;
  const program = await compile(NodeHost, request.main, options);
  return { diagnostics: [...configDiagnostics, ...program.diagnostics].map(located) };
}

async function handle(request) {
  if (request.op === "compile") return compileRequest(request);
  if (request.op === "format") {
    try {
      return { formatted: await formatTypeSpec(request.text) };
    } catch (error) {
      return { error: String(error?.message ?? error) };
    }
  }
  return { error: `unknown op ${request.op}` };
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await handle(JSON.parse(line));
  } catch (error) {
    answer = { crash: String(error?.stack ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
