// Writes the course's service worker into a built site: workbox-build's injectManifest puts
// the site's own file list (each file with a hash of its content) into _ext/sw-template.js.
// Run by the build (_ext/offline.py) after the HTML is written:
//     node scripts/service-worker.mjs _build/html
import { injectManifest } from "workbox-build";

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error("usage: node scripts/service-worker.mjs SITE_DIR");
  process.exit(2);
}
const { count, size, warnings } = await injectManifest({
  swSrc: "_ext/sw-template.js",
  swDest: `${dir}/sw.js`,
  globDirectory: dir,
  // every page, component, data file, style, script, font and figure; not the sources and
  // downloads (notebooks, the wheel, the PDF), which the download menu fetches when asked
  globPatterns: ["**/*.{html,js,mjs,css,json,svg,png,ico,woff2,webmanifest,inv}"],
  globIgnores: ["sw.js", "_sources/**", "_downloads/**", "**/*.map"],
  maximumFileSizeToCacheInBytes: 4_000_000,
});
for (const warning of warnings) console.error(`service worker: ${warning}`);
console.log(`service worker: ${count} files, ${(size / 1e6).toFixed(2)} MB`);
