// Module boundaries (README "Architecture"), checked by `npm run lint:boundaries` in `npm test`.
// A module is a folder under src/; its tables (table.ts) and their queries (store.ts) are its
// own: other modules call its functions instead. The modules form layers: no module reaches,
// through any chain of imports (type-only ones included), back to itself.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-module-cycles",
      severity: "error",
      comment: "Modules depend on each other in one direction only (README \"Architecture\" shows the layers). Move the code to the module it belongs to, or invert the dependency (a function argument, a table handed in by src/wiring).",
      scope: "folder",
      from: { path: "^src/[^/]+/?$" },
      to: { circular: true },
    },
    {
      name: "no-foreign-tables",
      severity: "error",
      comment: "Another module's table.ts or store.ts: call a function of that module (its index.ts) instead.",
      from: { path: "^src/([^/]+)/" },
      to: { path: "(table|store)\\.ts$", pathNot: "^src/$1/" },
    },
    {
      name: "no-test-imports",
      severity: "error",
      comment: "Production code never imports tests or their fixtures.",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "A module nothing imports is dead code.",
      from: { orphan: true, pathNot: ["\\.d\\.ts$", "^src/index\\.ts$"] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
    exclude: { path: "^(node_modules|dist|console|test|bench|e2e|scripts)/" },
  },
};
