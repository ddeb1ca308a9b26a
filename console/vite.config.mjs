// Builds the console into the Worker's static assets (wrangler.toml [assets]): the files land
// under dist/assets/console/ and are served at /console/ without running the Worker.
import { copyFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const assetsRoot = here("../dist/assets");

export default defineConfig({
  root: here("."),
  base: "/console/",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: `${assetsRoot}/console`,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    // Everything is bundled: the console must work offline, with no CDN.
    assetsInlineLimit: 0,
  },
  plugins: [
    {
      // Security headers for the static files (the Worker does not run for them); _headers
      // must sit at the root of the assets directory.
      name: "assets-headers",
      apply: "build",
      writeBundle: () => copyFileSync(here("_headers"), `${assetsRoot}/_headers`),
    },
  ],
});
