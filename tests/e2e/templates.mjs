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
} = createHarness("templates");
const agent = { login: "lea", password: "motdepasse-lea-modeles-e2e" };
const supervisor = { login: "sam", password: "motdepasse-sam-modeles-e2e" };
const kFiches = ["F1341", "F1342", "F1344", "F1153", "F2120", "F14128"];

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

  const launch = async (name, cookie) =>
    (await openBrowser(tmp, name, base, cookie)).page;
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

await main(async (tmp) => {
  const dataDir = prepareData(tmp, {
    fiches: kFiches,
    agents: [
      { who: agent, name: "Léa Roux", role: "agent", service: "mairie-x" },
      {
        who: supervisor,
        name: "Sam Leroy",
        role: "supervisor",
        service: "mairie-x",
      },
    ],
  });
  const base = await startPlume(dataDir);
  console.log(`     serveur ${base}`);
  await scenario(base, tmp);
});
