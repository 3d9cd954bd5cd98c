// Bundles the dashboard (JS + CSS + Leaflet images), the offline basemap and the Swagger UI assets into ../static.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "docs"), { recursive: true });

await build({
  entryPoints: { app: join(here, "src", "main.js"), style: join(here, "src", "app.css") },
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ["es2020"],
  outdir: out,
  loader: { ".png": "file", ".svg": "file" },
  assetNames: "img/[name]-[hash]",
  logLevel: "info",
});

const copy = (from, to) => cpSync(join(here, from), join(out, to));
copy("src/index.html", "index.html");
// Natural Earth 1:50m country outlines (public domain), fetched by the page at start: the map needs no internet.
copy("node_modules/world-atlas/countries-50m.json", "countries-50m.json");
// /docs is served from these instead of FastAPI's default CDN.
copy("node_modules/swagger-ui-dist/swagger-ui-bundle.js", "docs/swagger-ui-bundle.js");
copy("node_modules/swagger-ui-dist/swagger-ui.css", "docs/swagger-ui.css");
copy("node_modules/swagger-ui-dist/favicon-32x32.png", "docs/favicon-32x32.png");
