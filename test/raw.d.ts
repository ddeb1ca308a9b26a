// Vite's `?raw` imports: a file's text (test/security/rate-limit.test.ts reads wrangler.toml).
declare module "*?raw" {
  const text: string;
  export default text;
}

// Vite's `import.meta.glob`, as test/surfaces/boundaries.test.ts uses it (eager, each file's text).
interface ImportMeta {
  glob<T>(pattern: string, options: { query: "?raw"; import: "default"; eager: true }): Record<string, T>;
}
