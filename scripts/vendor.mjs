// Copies the front-end files the pages use from node_modules into static/vendor (git-ignored).
// Run by `make` after `npm ci`; nothing is fetched from the internet at page time.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const nm = join(root, "node_modules");
const out = join(root, "static", "vendor");

const files = {
  "tabler/tabler.min.css": "@tabler/core/dist/css/tabler.min.css",
  "tabler/tabler.min.js": "@tabler/core/dist/js/tabler.min.js",
  "tabler-icons/tabler-icons.min.css": "@tabler/icons-webfont/dist/tabler-icons.min.css",
  "tabler-icons/fonts": "@tabler/icons-webfont/dist/fonts",
  "htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
  "echarts/echarts.min.js": "echarts/dist/echarts.min.js",
  "mermaid/mermaid.min.js": "mermaid/dist/mermaid.min.js",
  "swagger-ui/swagger-ui.css": "swagger-ui-dist/swagger-ui.css",
  "swagger-ui/swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
  "swagger-ui/swagger-ui-standalone-preset.js": "swagger-ui-dist/swagger-ui-standalone-preset.js",
  "swagger-ui/favicon-32x32.png": "swagger-ui-dist/favicon-32x32.png",
};

rmSync(out, { recursive: true, force: true });
for (const [target, source] of Object.entries(files)) {
  const dest = join(out, target);
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(join(nm, source), dest, { recursive: true });
}
console.log(`vendor: ${Object.keys(files).length} entries copied to static/vendor`);
