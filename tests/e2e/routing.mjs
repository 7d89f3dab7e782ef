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
import { createHarness } from "./harness.mjs";

const {
  check,
  require_,
  prepareData,
  startPlume,
  apiSession,
  openBrowser,
  shot,
  main,
} = createHarness("routing");
const agent = { login: "lea", password: "motdepasse-lea-routage-e2e" };
const admin = { login: "ada", password: "motdepasse-ada-routage-e2e" };
const kFiches = ["F1341", "F1344", "F2120"];

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

  const launch = async (name, cookie) =>
    (await openBrowser(tmp, name, base, cookie)).page;
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

await main(async (tmp) => {
  const dataDir = prepareData(tmp, {
    fiches: kFiches,
    agents: [
      { who: agent, name: "Léa Roux", role: "agent", service: "mairie-x" },
      { who: admin, name: "Ada Martin", role: "admin", service: "plume" },
    ],
  });
  const base = await startPlume(dataDir);
  console.log(`     serveur ${base}`);
  await scenario(base, tmp);
});
