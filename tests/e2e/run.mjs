#!/usr/bin/env node
// End-to-end test of the Plume web interface: a real `plume serve` on a small real knowledge
// base, driven by Debian's Chromium through playwright-core (never a downloaded browser).
//
// Usage: node tests/e2e/run.mjs <path to plume binary>
// Environment:
//   PLUME_E2E_CHROMIUM      browser binary (default /usr/bin/chromium)
//   PLUME_E2E_ARTIFACTS     screenshot folder (default <repo>/test-artifacts/e2e)
//   PLUME_E2E_KEEP=1        keep the temporary data folder
// Exit code 0 only when every check passed; missing web/dist or Chromium is a failure.
//
// Drafts: when GET /api/engines lists at least one engine, "Proposer une réponse" must stream
// a draft with dated sources, which is regenerated, discarded, proposed again, edited and sent
// (decision "edited"). When the server lists no engine (serve without a drafter), the UI must
// show the "unavailable" alert and the agent replies without AI (decision
// "written_without_ai"); a 503 while engines are listed is a failure.
import fs from "node:fs";
import path from "node:path";
import { createHarness, fichesDir } from "./harness.mjs";

const {
  check,
  require_,
  prepareData,
  startPlume,
  apiSession,
  openBrowser,
  shot,
  main,
} = createHarness("web", {
  // The first scenario's captures stay at the top of the screenshot folder.
  subfolder: "",
  browserArgs: [
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
  ],
  timezoneId: "Europe/Paris",
});

// ~150 real fiches: the ones the seeded messages are about, then the first ones by name.
function fichesSubset() {
  const ids = new Set([
    "F1341",
    "F1344",
    "F21089",
    "F13213",
    "F2120",
    "F14128",
    "F1065",
    "F1050",
    "F31245",
    "F2191",
    "F1362",
  ]);
  // Missing fiches fail the harness's precondition, not here.
  const files = fs.existsSync(fichesDir) ? fs.readdirSync(fichesDir) : [];
  for (const f of files.filter((f) => f.endsWith(".json")).sort()) {
    if (ids.size >= 150) break;
    if (f !== "index.json") ids.add(path.basename(f, ".json"));
  }
  return [...ids].filter((id) =>
    fs.existsSync(path.join(fichesDir, `${id}.json`)),
  );
}

const alice = { login: "alice", password: "motdepasse-alice-e2e" };
const sophie = { login: "sophie", password: "motdepasse-sophie-e2e" };
const bruno = { login: "bruno", password: "motdepasse-bruno-e2e" };
const agents = [
  { who: alice, name: "Alice Martin", role: "agent", service: "prefecture-69" },
  {
    who: sophie,
    name: "Sophie Bernard",
    role: "supervisor",
    service: "prefecture-69",
  },
  { who: bruno, name: "Bruno Petit", role: "agent", service: "caf-75" },
];

const seeded = [
  {
    channel: "web_form",
    sender_name: "Jeanne Durand",
    sender_email: "jeanne.durand@example.org",
    subject: "Perte de ma carte d'identité",
    body: "Bonjour,\nJ'ai perdu ma carte d'identité la semaine dernière. Quelles démarches dois-je faire pour en obtenir une nouvelle ?\nMerci d'avance.\nJeanne Durand",
  },
  {
    channel: "email",
    sender_name: "Karim Benali",
    sender_email: "karim.benali@example.org",
    subject: "Renouvellement de passeport",
    body: "Bonjour, mon passeport expire dans deux mois. Combien de temps faut-il pour le renouveler ?",
  },
  {
    channel: "api",
    sender_name: "Lucie Moreau",
    subject: "Demande de rendez-vous",
    body: "Bonjour, je souhaite prendre rendez-vous pour déposer une demande de titre de séjour.",
  },
];

// ---------------------------------------------------------------- browser scenario
function watchErrors(page, errors) {
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // 4xx answers the scenario provokes on purpose are logged by Chromium as resource errors.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) {
      errors.push(`console: ${m.text()}`);
    }
  });
}

async function noHorizontalScroll(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth <= window.innerWidth,
  );
}

// Logs `who` ({login, password}) in through the login screen.
async function login(page, base, who) {
  await page.goto(`${base}/`);
  await page.getByRole("heading", { level: 1, name: "Connexion" }).waitFor();
  await page.getByLabel("Identifiant").fill(who.login);
  await page.getByLabel("Mot de passe").fill(who.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
}

async function scenario(base, call, tmp) {
  const { page } = await openBrowser(tmp, "alice");
  const errors = [];
  watchErrors(page, errors);

  // Login screen, keyboard first stop is the skip link; wrong password shows a DSFR alert.
  await page.goto(`${base}/`);
  await page.getByRole("heading", { level: 1, name: "Connexion" }).waitFor();
  check(
    (await page.getAttribute("html", "lang")) === "fr",
    "page en français (lang=fr)",
  );
  await page.keyboard.press("Tab");
  const firstFocus = await page.evaluate(() =>
    document.activeElement?.textContent?.trim(),
  );
  check(
    firstFocus === "Contenu",
    "premier arrêt clavier : lien d'évitement « Contenu »",
    firstFocus,
  );
  await shot(page, "01-connexion-1280");
  await page.getByLabel("Identifiant").fill("alice");
  await page.getByLabel("Mot de passe").fill("mauvais-mot-de-passe");
  await page.getByRole("button", { name: "Se connecter" }).click();
  const loginAlert = page.locator(".fr-alert--error");
  await loginAlert.waitFor();
  check(
    (await loginAlert.textContent()).includes("Connexion refusée"),
    "erreur de connexion dans une alerte DSFR",
  );
  await shot(page, "02-connexion-erreur-1280");

  // Inbox.
  await page.getByLabel("Mot de passe").fill(alice.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page
    .getByRole("heading", { level: 1, name: "Boîte de réception" })
    .waitFor();
  const identity = await page
    .getByTestId("agent-identity")
    .first()
    .textContent();
  check(
    identity.includes("Alice Martin") && identity.includes("prefecture-69"),
    "en-tête : nom et service de l'agent",
    identity,
  );
  await page.locator("table tbody tr").first().waitFor();
  const rows = await page.locator("table tbody tr").count();
  check(
    rows === seeded.length,
    `boîte de réception : ${seeded.length} messages`,
    `${rows} lignes`,
  );
  // The inbox lists summaries: the start of each message, white space collapsed (the seeded
  // bodies are under the 160-character cut, tested in util_test and http_test).
  const excerpts = await page
    .locator("table tbody .plume-excerpt")
    .allTextContents();
  check(
    seeded.every((m) => excerpts.includes(m.body.replace(/\s+/g, " ").trim())),
    "boîte de réception : début de chaque message sous son objet",
    JSON.stringify(excerpts),
  );
  const newTag = await page
    .locator('[data-testid="status-counts"] [data-status="new"]')
    .textContent();
  check(
    newTag.includes(`Nouveau : ${seeded.length}`),
    "compteur par statut",
    newTag,
  );
  await page.getByLabel("Canal").selectOption("email");
  await page.getByRole("button", { name: "Filtrer" }).click();
  await page.waitForURL(/canal=email/);
  await page.waitForFunction(
    () => document.querySelectorAll("table tbody tr").length === 1,
  );
  check(true, "filtre par canal : 1 message (courriel)");
  await page.getByRole("button", { name: "Réinitialiser" }).click();
  await page.waitForFunction(
    (n) => document.querySelectorAll("table tbody tr").length === n,
    seeded.length,
  );
  await shot(page, "03-boite-1280");

  // Message view and draft.
  const target = seeded[0];
  await page.getByRole("link", { name: target.subject }).click();
  await page.getByRole("heading", { level: 1, name: target.subject }).waitFor();
  const messageUrl = page.url();
  const messageId = Number(/\/messages\/(\d+)/.exec(messageUrl)[1]);
  check(
    (await page.getByTestId("message-body").textContent()) === target.body,
    "texte de l'usager affiché tel quel",
  );
  await page
    .getByRole("button", { name: "Proposer une réponse" })
    .first()
    .click();
  const editor = page.getByLabel("Texte de la réponse");
  const draftError = page.locator(".fr-alert--error", {
    hasText: "Proposition de réponse indisponible",
  });
  await Promise.race([editor.waitFor(), draftError.waitFor()]);
  const engines = (await call("GET", "/api/engines")).body?.engines ?? [];
  console.log(`     moteurs annoncés : ${JSON.stringify(engines)}`);
  let finalText;
  let expectedKind;
  if (await draftError.isVisible()) {
    const msg = await draftError.textContent();
    await shot(page, "04-message-proposition-indisponible-1280");
    check(
      engines.length === 0,
      "proposition indisponible seulement si le serveur n'annonce aucun moteur",
      `moteurs ${JSON.stringify(engines)}, erreur affichée : ${msg}`,
    );
    await page.getByRole("button", { name: "Rédiger sans l'IA" }).click();
    finalText =
      "Bonjour Madame,\nVeuillez effectuer une pré-demande en ligne puis prendre rendez-vous en mairie.\nCordialement.";
    await editor.fill(finalText);
    expectedKind = "written_without_ai";
  } else {
    const draftText = await editor.inputValue();
    check(
      draftText.trim().length > 0,
      "proposition affichée dans la zone modifiable",
    );
    const engineLine = await page.getByTestId("draft-engine").textContent();
    check(
      /Moteur : .+ · version .+/.test(engineLine),
      "moteur et version affichés",
      engineLine,
    );
    const sources = page.locator('[data-testid="draft-sources"] a');
    check((await sources.count()) > 0, "sources de la proposition en liens");
    const srcText = await page.getByTestId("draft-sources").textContent();
    check(
      /à jour au \d/.test(srcText),
      "date de chaque source affichée",
      srcText.slice(0, 120),
    );
    await shot(page, "04-message-proposition-1280");

    // The agent's opinion of the proposal: thumbs down with a reason (issue #5).
    await page.getByTestId("draft-feedback-down").click();
    // DSFR draws the checkbox on its label: the label is what a person clicks.
    await page
      .locator('[data-testid="draft-feedback-reasons"] label', {
        hasText: "Incomplète",
      })
      .click();
    check(
      await page.getByLabel("Incomplète").isChecked(),
      "motif « Incomplète » coché en cliquant son libellé",
    );
    await page
      .getByLabel("Commentaire (facultatif)")
      .fill("Il manque le délai.");
    await page.getByTestId("draft-feedback-send").click();
    await page.getByTestId("draft-feedback-sent").waitFor({ timeout: 10000 });
    const fbText = await page.getByTestId("draft-feedback-sent").textContent();
    check(
      fbText.includes("à améliorer"),
      "avis de l'agent sur la proposition enregistré (pouce baissé, motif)",
      fbText,
    );

    // "Régénérer" stores a new draft; "Écarter" records a discard and leaves an empty editor.
    const heading = page.getByRole("heading", {
      name: /^Proposition n° \d+ à relire$/,
    });
    const first = await heading.textContent();
    await page.getByRole("button", { name: "Régénérer" }).click();
    await page.waitForFunction(
      (t) =>
        [...document.querySelectorAll("h3")].some(
          (h) =>
            /^Proposition n° \d+ à relire$/.test(h.textContent) &&
            h.textContent !== t,
        ),
      first,
    );
    // The history reloads after the draft event: wait for the second entry.
    await page
      .locator('[data-testid="history"] li[data-kind="draft"]')
      .nth(1)
      .waitFor();
    check(
      (await page
        .locator('[data-testid="history"] li[data-kind="draft"]')
        .count()) === 2,
      "régénérer : deux propositions dans l'historique",
    );
    await page.getByRole("button", { name: "Écarter" }).click();
    await page.getByText("Proposition écartée. Rédigez").waitFor();
    check(
      (await editor.inputValue()) === "",
      "écarter : zone de réponse vide (rédaction sans IA)",
    );
    await page
      .locator('[data-testid="history"] li[data-kind="discarded"]')
      .waitFor();
    check(true, "écarter : décision « discarded » dans l'historique");
    await page.getByRole("button", { name: "Proposer une réponse" }).click();
    await heading.waitFor();
    finalText = `${await editor.inputValue()}\n\nCordialement,\nLa préfecture du Rhône`;
    await editor.fill(finalText);
    expectedKind = "edited";
  }

  // Send: confirm dialog, then status and history refresh.
  await page.getByRole("button", { name: "Envoyer", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Confirmer l'envoi" }).click();
  await page.getByText("Réponse envoyée").waitFor();
  await dialog.waitFor({ state: "hidden" });
  const status = await page.getByTestId("message-status").textContent();
  check(status.includes("Répondu"), "statut « Répondu » après envoi", status);
  const decision = page.locator(
    `[data-testid="history"] li[data-kind="${expectedKind}"]`,
  );
  check(
    (await decision.count()) === 1,
    `historique : décision « ${expectedKind} »`,
  );
  check(
    (await decision.textContent()).includes("alice"),
    "historique : agent de la décision",
  );
  await shot(page, "05-apres-envoi-1280");

  // API view of the same facts, then the supervisor's audit line.
  const detail = await call("GET", `/api/messages/${messageId}`);
  check(detail.body?.message?.status === "answered", "API : message answered");
  const dec = detail.body?.decisions?.find((d) => d.kind === expectedKind);
  check(
    dec && dec.final_text === finalText,
    "API : texte envoyé conservé à l'identique",
  );
  const { call: sup } = await apiSession(base, sophie);
  const audit = await sup("GET", `/api/audit?message_id=${messageId}`);
  const line = audit.body?.entries?.find((e) => e.action === "reply_sent");
  check(
    audit.status === 200 &&
      line &&
      line.agent === "alice" &&
      line.final_text === finalText,
    "audit (superviseur) : ligne reply_sent de alice",
    JSON.stringify(audit.body).slice(0, 300),
  );

  // Tablet width.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.reload();
  await page.getByRole("heading", { level: 1, name: target.subject }).waitFor();
  check(
    await noHorizontalScroll(page),
    "768 px : message sans défilement horizontal",
  );
  await shot(page, "06-apres-envoi-768");
  await page.goto(`${base}/`);
  await page.locator("table tbody tr").first().waitFor();
  check(
    await noHorizontalScroll(page),
    "768 px : boîte de réception sans défilement horizontal",
  );
  await shot(page, "07-boite-768");
  const other = page.getByRole("link", { name: seeded[1].subject });
  await other.click();
  await page
    .getByRole("heading", { level: 1, name: seeded[1].subject })
    .waitFor();
  await shot(page, "08-message-768");

  // Logout.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("button", { name: "Se déconnecter" }).first().click();
  await page.getByRole("heading", { level: 1, name: "Connexion" }).waitFor();
  check(true, "déconnexion : retour à l'écran de connexion");
  await page.setViewportSize({ width: 768, height: 1024 });
  await shot(page, "09-connexion-768");
  check(
    errors.length === 0,
    "aucune erreur JavaScript dans la page",
    errors.join(" | "),
  );

  // Another service cannot see the message, even by its URL.
  const { page: page2 } = await openBrowser(tmp, "bruno");
  await login(page2, base, bruno);
  await page2
    .getByRole("heading", { level: 1, name: "Boîte de réception" })
    .waitFor();
  // Wait for the list to load (either outcome), then check it is empty.
  await Promise.race([
    page2.getByTestId("inbox-empty").waitFor(),
    page2.locator("table tbody tr").first().waitFor(),
  ]);
  check(
    (await page2.locator("table tbody tr").count()) === 0,
    "autre service (caf-75) : boîte de réception vide",
  );
  await page2.goto(messageUrl);
  await page2
    .getByRole("heading", { level: 1, name: "Message introuvable" })
    .waitFor();
  const body2 = await page2.locator("main").textContent();
  check(
    body2.includes("introuvable") && !body2.includes(target.body.slice(0, 30)),
    "autre service : « introuvable » par l'URL, texte non divulgué",
  );
  await shot(page2, "10-autre-service-introuvable-1280");
  const { call: brunoCall } = await apiSession(base, bruno);
  check(
    (await brunoCall("GET", `/api/messages/${messageId}`)).status === 404,
    "API : autre service -> 404 not_found",
  );

  await dashboardScenario(base, tmp, sup, page2, brunoCall);
}

// Supervisor dashboard (issue #5): figures of the service after the reply sent above, charts
// with table alternatives, CSV export; an ordinary agent gets "Accès réservé".
async function dashboardScenario(base, tmp, sup, agentPage, agentCall) {
  const { page } = await openBrowser(tmp, "sophie");
  const errors = [];
  watchErrors(page, errors);
  await login(page, base, sophie);
  await page
    .getByRole("heading", { level: 1, name: "Boîte de réception" })
    .waitFor();
  const navLink = page.getByRole("link", { name: "Tableau de bord" }).first();
  await navLink.click();
  const h1 = page.getByRole("heading", { level: 1, name: "Tableau de bord" });
  await h1.waitFor();
  check(
    await page.evaluate(
      () =>
        document.activeElement?.tagName === "H1" &&
        document.activeElement.textContent === "Tableau de bord",
    ),
    "tableau de bord : focus sur le titre après navigation",
  );
  await page.getByTestId("key-figures").waitFor();
  const api = await sup("GET", "/api/metrics/outcomes");
  check(
    api.status === 200 && api.body?.total?.replies?.total >= 1,
    "API tableau de bord (superviseur) : au moins une réponse comptée",
    JSON.stringify(api.body?.total?.replies),
  );
  const shown = (await page.getByTestId("figure-replies-value").textContent())
    .replace(/\s/g, "")
    .trim();
  check(
    Number(shown) >= 1 && Number(shown) === api.body?.total?.replies?.total,
    "chiffre clé « Réponses envoyées » = API (≥ 1)",
    `affiché ${shown}`,
  );
  const aiShare = await page.getByTestId("figure-ai-share-value").textContent();
  const expectedShare = api.body?.total?.ai_assisted_share;
  check(
    expectedShare !== null &&
      aiShare.replace(/\s/g, "") === `${Math.round(expectedShare * 100)}%`,
    "chiffre clé « Réponses assistées par l'IA » = API",
    `${aiShare} / ${expectedShare}`,
  );
  for (const id of [
    "figure-response-time",
    "figure-decisions",
    "figure-edit-distance",
    "figure-satisfaction",
    "figure-agent-feedback",
  ]) {
    const text = await page.getByTestId(`${id}-value`).textContent();
    check(text.trim().length > 0, `chiffre clé ${id} affiché`, text);
  }
  const periods = api.body?.periods?.length ?? -1;
  for (const chart of ["chart-replies", "chart-response-time"]) {
    const fig = page.getByTestId(chart);
    const caption = (await fig.locator("figcaption").textContent()).trim();
    const bars = await fig.locator(".plume-chart-col").count();
    const rows = await fig.locator("table tbody tr").count();
    const img = await fig.locator('[role="img"]').getAttribute("aria-label");
    check(
      caption.length > 0 &&
        img?.startsWith(caption) &&
        bars === periods &&
        rows === periods,
      `graphique ${chart} : légende, ${periods} barres et tableau de ${periods} lignes`,
      `${bars} barres, ${rows} lignes`,
    );
  }
  const channelRows = await page
    .locator("table", {
      has: page.locator("caption", { hasText: "Par canal" }),
    })
    .locator("tbody tr")
    .count();
  check(
    channelRows > 0,
    "volumes par canal en tableau",
    `${channelRows} lignes`,
  );
  check(
    (await page
      .locator("table", {
        has: page.locator("caption", { hasText: "Par intention" }),
      })
      .locator("tbody tr")
      .count()) > 0,
    "volumes par intention en tableau",
  );
  const csvHref = await page.getByTestId("dashboard-csv").getAttribute("href");
  const csv = await page.request.get(`${base}${csvHref}`);
  const csvType = csv.headers()["content-type"] ?? "";
  const csvBody = await csv.text();
  check(
    csvHref.startsWith("/api/metrics/outcomes.csv?") &&
      csv.status() === 200 &&
      csvType.startsWith("text/csv") &&
      csvBody.length > 0,
    "lien « Télécharger en CSV » : 200 text/csv",
    `${csvHref} -> ${csv.status()} ${csvType}`,
  );
  await shot(page, "dashboard-1280");

  // Day granularity: one bar per day of the default 8 weeks.
  await page.getByLabel("Regrouper par").selectOption("day");
  await page.getByRole("button", { name: "Afficher" }).click();
  await page.waitForURL(/pas=jour/);
  const shownPeriod = new URL(page.url()).searchParams;
  const dailyQuery = new URLSearchParams({ granularity: "day" });
  if (shownPeriod.get("du")) dailyQuery.set("from", shownPeriod.get("du"));
  if (shownPeriod.get("au")) dailyQuery.set("to", shownPeriod.get("au"));
  const daily = await sup("GET", `/api/metrics/outcomes?${dailyQuery}`);
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll(
        '[data-testid="chart-replies"] .plume-chart-col',
      ).length === n,
    daily.body?.periods?.length ?? -1,
  );
  check(
    daily.body?.periods?.length > periods,
    "période par jour : une barre par jour",
    `${daily.body?.periods?.length} jours`,
  );

  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${base}/tableau-de-bord`);
  await page.getByTestId("key-figures").waitFor();
  check(
    await noHorizontalScroll(page),
    "768 px : tableau de bord sans défilement horizontal",
  );
  await shot(page, "dashboard-768");
  check(
    errors.length === 0,
    "tableau de bord : aucune erreur JavaScript",
    errors.join(" | "),
  );

  // An ordinary agent: no link in the header, "Accès réservé" by URL, 403 from the API.
  await agentPage.goto(`${base}/`);
  await agentPage
    .getByRole("heading", { level: 1, name: "Boîte de réception" })
    .waitFor();
  check(
    (await agentPage.getByRole("link", { name: "Tableau de bord" }).count()) ===
      0,
    "agent : pas de lien « Tableau de bord » dans l'en-tête",
  );
  await agentPage.goto(`${base}/tableau-de-bord`);
  await agentPage
    .getByRole("heading", { level: 1, name: "Tableau de bord" })
    .waitFor();
  const reserved = await agentPage.locator("main").textContent();
  check(
    reserved.includes("Accès réservé") &&
      reserved.includes("réservé aux superviseurs"),
    "agent : message « Accès réservé » sur le tableau de bord",
    reserved.slice(0, 200),
  );
  await shot(agentPage, "dashboard-agent-acces-reserve-1280");
  check(
    (await agentCall("GET", "/api/metrics/outcomes")).status === 403,
    "API : agent -> 403 sur les chiffres",
  );
}

// ---------------------------------------------------------------- main
await main(async (tmp) => {
  const fiches = fichesSubset();
  const dataDir = prepareData(tmp, {
    fiches,
    agents,
    webLabel: "interface construite (web/dist/index.html)",
    webAssets: [
      ["dsfr/dsfr.min.css", "ressources DSFR copiées dans web/dist/dsfr"],
    ],
    fichesLabel: "fiches service-public.fr installées (npm ci à la racine)",
  });
  check(
    fiches.length >= 100,
    `base de connaissances : ${fiches.length} fiches réelles ingérées`,
  );
  const base = await startPlume(dataDir);
  console.log(`     serveur ${base}`);
  const { call } = await apiSession(base, alice);
  for (const m of seeded) {
    const r = await call("POST", "/api/messages", m);
    require_(
      r.status === 201,
      `API : création du message « ${m.subject} »`,
      JSON.stringify(r.body),
    );
  }
  await scenario(base, call, tmp);
});
