// axe-core on every page given, in one headless Chromium (tests/site/test_axe.py runs this).
//
// node axe_audit.js NODE_MODULES CHROMIUM PAGE.html...
// prints one JSON object: {"PAGE.html": [{"id", "impact", "help", "targets": [...]}, ...], ...}
// Offline: pages load from file:// and nothing else is fetched.
"use strict";

const path = require("path");
const { pathToFileURL } = require("url");

async function main() {
  const [modules, executable, ...pages] = process.argv.slice(2);
  const { chromium } = require(path.resolve(modules, "playwright-core"));
  const axe = path.resolve(modules, "axe-core", "axe.min.js");
  const browser = await chromium.launch({
    executablePath: executable,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const found = {};
  try {
    const context = await browser.newContext();
    // Only the site's own files: a page that reached for the network would be a bug of its own.
    await context.route(/^(?!file:|data:)/, (route) => route.abort());
    // One tab per page, all at once: axe's colour-contrast rule is most of the time, and it uses one core.
    await Promise.all(
      pages.map(async (file) => {
        const page = await context.newPage();
        await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
        await page.addScriptTag({ path: axe });
        found[file] = await page.evaluate(async () => {
          // eslint-disable-next-line no-undef
          const run = await axe.run(document, { resultTypes: ["violations"] });
          return run.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            targets: v.nodes.map((n) => n.target.join(" ")),
          }));
        });
        await page.close();
      }),
    );
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(found));
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
