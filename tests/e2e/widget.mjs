#!/usr/bin/env node
// End-to-end test of the embeddable feedback widget (/widget/avis.js, issue #7): a real
// `plume serve --feedback-service … --feedback-origin …`, a page served by ANOTHER loopback
// origin embedding the widget, driven by Debian's Chromium through playwright-core.
//
// Usage: node tests/e2e/widget.mjs <path to plume binary>
// Environment: PLUME_E2E_CHROMIUM (default /usr/bin/chromium), PLUME_E2E_ARTIFACTS (screenshots,
// default <repo>/test-artifacts/e2e; this test writes in its widget/ sub-folder),
// PLUME_E2E_KEEP=1 keeps the temporary data folder.
// Exit code 0 only when every check passed; missing web/dist/widget or Chromium is a failure.
import http from "node:http";

import { createHarness } from "./harness.mjs";

// Own sub-folder: run.mjs clears the *.png of the top folder at its start.
const {
  check,
  require_,
  cleanups,
  prepareData,
  startPlume,
  apiSession,
  openBrowser,
  shot,
  main,
} = createHarness("widget");
const agent = { login: "lea", password: "motdepasse-lea-widget-e2e" };

function startSite(plumeBaseRef) {
  const server = http.createServer((req, res) => {
    const page = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Mairie de X — Carte d'identité</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:serif;margin:2rem}label{color:red}</style></head>
<body><main><h1>Demande de carte d'identité</h1>
<p>Page d'un site public qui intègre le formulaire d'avis de Plume.</p>
<script src="${plumeBaseRef.value}/widget/avis.js" data-service="mairie-x"
  data-procedure="Demande de carte d'identité"></script>
</main></body></html>`;
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(page);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      cleanups.push(() => new Promise((done) => server.close(() => done())));
      resolve(`http://127.0.0.1:${server.address().port}`);
    });
  });
}

async function feedbackMessages(base) {
  const { call } = await apiSession(base, agent, "API : connexion de l'agent");
  return (
    (await call("GET", "/api/messages?channel=feedback")).body?.messages ?? []
  );
}

// The element focused inside the widget's shadow root: "tag:name" or "tag:text".
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement)
      a = a.shadowRoot.activeElement;
    return a
      ? `${a.tagName.toLowerCase()}:${a.getAttribute("name") ?? a.textContent.trim()}`
      : "";
  });
}

async function scenario(base, site, other, tmp) {
  // A Plume session cookie in the browser must never ride along (credentials: "omit").
  const { page } = await openBrowser(
    tmp,
    "site",
    base,
    "plume_session=e2e-cookie",
  );
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  const posts = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/feedback")) posts.push(r);
  });

  // --- allowed origin --------------------------------------------------------------------
  await page.goto(`${site}/`);
  const heading = page.getByRole("heading", {
    level: 2,
    name: "Je donne mon avis",
  });
  await heading.waitFor({ timeout: 10_000 });
  check(true, "widget affiché sur un site d'une autre origine");
  check(
    (await page.getByText("Démarche : Demande de carte d'identité").count()) ===
      1,
    "démarche affichée",
  );
  check(
    (await page
      .getByRole("group", { name: /Quelle note donnez-vous/ })
      .count()) === 1,
    "note : groupe (fieldset/legend) accessible",
  );
  await shot(page, "widget-formulaire-1280");

  // Empty submission: French errors, focus on the first invalid field, nothing sent.
  await page.getByRole("button", { name: "Envoyer mon avis" }).click();
  await page.getByText("Choisissez une note de 1 à 5.").waitFor();
  check(
    (await page.getByText("Écrivez votre avis en quelques mots.").count()) ===
      1,
    "erreur : avis vide",
  );
  check(
    (await focused(page)) === "input:rating",
    "focus sur la première note",
    await focused(page),
  );
  check(
    posts.length === 0,
    "rien n'est envoyé quand le formulaire est invalide",
  );
  await shot(page, "widget-erreurs-1280");

  // Invalid e-mail is caught before sending.
  const text =
    "Le dépôt en ligne était simple, mais le délai de rendez-vous trop long.";
  await page.getByLabel("4 – Satisfait").check();
  await page.getByLabel("4 – Facile").check();
  await page.getByLabel("Votre avis (obligatoire)").fill(text);
  await page
    .getByLabel("Votre adresse électronique (facultatif)")
    .fill("pas-une-adresse");
  await page.getByRole("button", { name: "Envoyer mon avis" }).click();
  await page.getByText(/Adresse électronique invalide/).waitFor();
  check(
    (await focused(page)) === "input:email",
    "focus sur l'adresse invalide",
    await focused(page),
  );
  await page
    .getByLabel("Votre adresse électronique (facultatif)")
    .fill("camille@example.org");
  await page.getByRole("button", { name: "Envoyer mon avis" }).click();
  const done = page.getByText(
    /Merci, votre avis a bien été transmis\. Référence : AVIS-[0-9A-F]{8}/,
  );
  await done.waitFor({ timeout: 10_000 });
  check(true, "message de succès avec la référence");
  check(
    (await focused(page)).startsWith("div:Merci"),
    "focus sur le message de succès",
    await focused(page),
  );
  const reference = /AVIS-[0-9A-F]{8}/.exec(await done.textContent())[0];
  await shot(page, "widget-succes-1280");
  const post = posts.at(-1);
  check(
    post && !(await post.allHeaders()).cookie,
    "requête envoyée sans cookie",
  );

  const messages = await feedbackMessages(base);
  const stored = messages.find((m) => m.body.includes(reference));
  check(
    stored &&
      stored.channel === "feedback" &&
      stored.service === "mairie-x" &&
      stored.subject === "Avis 4/5 : Demande de carte d'identité" &&
      stored.body.startsWith(text) &&
      stored.body.includes("Facilité : 4/5") &&
      stored.sender_email === "camille@example.org",
    "API : l'avis est dans la boîte de mairie-x (canal feedback)",
    JSON.stringify(messages).slice(0, 400),
  );

  // --- mobile width -----------------------------------------------------------------------
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${site}/`);
  await heading.waitFor();
  check(
    await page.evaluate(
      () => document.documentElement.scrollWidth <= window.innerWidth,
    ),
    "375 px : pas de défilement horizontal",
  );
  await shot(page, "widget-formulaire-375");
  await page.setViewportSize({ width: 1280, height: 900 });

  // --- origin not allowed: the browser blocks the call, the widget says so ----------------
  await page.goto(`${other}/`);
  await heading.waitFor();
  await page.getByLabel("2 – Mécontent").check();
  await page
    .getByLabel("Votre avis (obligatoire)")
    .fill("Envoyé depuis un site non autorisé.");
  await page.getByRole("button", { name: "Envoyer mon avis" }).click();
  const alert = page
    .getByRole("alert")
    .filter({ hasText: /Impossible de joindre le service/ });
  await alert.waitFor({ timeout: 10_000 });
  check(true, "origine non autorisée : erreur affichée en français");
  await shot(page, "widget-origine-refusee-1280");
  const after = await feedbackMessages(base);
  check(
    !after.some((m) =>
      m.body.startsWith("Envoyé depuis un site non autorisé."),
    ),
    "origine non autorisée : rien n'est enregistré",
  );

  // --- the demo page on Plume's own origin ------------------------------------------------
  const demo = await page.goto(`${base}/widget/demo.html`);
  check(
    demo && demo.status() === 200,
    "page de démonstration /widget/demo.html servie",
  );
  await heading.waitFor();
  await shot(page, "widget-demo-1280");

  check(errors.length === 0, "aucune erreur JavaScript", errors.join(" | "));
}

await main(async (tmp) => {
  // A minimal knowledge base: `serve` needs an index, the widget does not use it.
  const dataDir = prepareData(tmp, {
    fiches: ["F1341", "F1344"],
    agents: [
      { who: agent, name: "Léa Roux", role: "agent", service: "mairie-x" },
    ],
    webFile: "widget/avis.js",
    webLabel: "widget construit (web/dist/widget/avis.js)",
  });
  const plumeBase = { value: "" };
  const site = await startSite(plumeBase);
  const other = await startSite(plumeBase);
  const base = await startPlume(dataDir, [
    "--feedback-service",
    "mairie-x",
    "--feedback-origin",
    site,
  ]);
  plumeBase.value = base;
  console.log(
    `     serveur ${base}, site autorisé ${site}, site non autorisé ${other}`,
  );
  await scenario(base, site, other, tmp);
});
