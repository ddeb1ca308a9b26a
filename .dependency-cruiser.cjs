// Module boundaries (README "Architecture"), checked by `npm run lint:boundaries` in `npm test`.
// A module is a folder under src/; its tables (table.ts) and their queries (store.ts) are its
// own: other modules call its functions instead.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
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
