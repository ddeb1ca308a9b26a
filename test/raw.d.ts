// Vite's `?raw` imports: a file's text (test/security/rate-limit.test.ts reads wrangler.toml).
declare module "*?raw" {
  const text: string;
  export default text;
}

// Vite's `import.meta.glob`, as the tests use it: eager, each file's text
// (test/surfaces/boundaries.test.ts) or its module (test/db/schema-drift.test.ts).
interface ImportMeta {
  glob<T>(pattern: string | string[], options: { query: "?raw"; import: "default"; eager: true } | { eager: true }): Record<string, T>;
}
