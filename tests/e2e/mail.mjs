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
import net from "node:net";

import { createHarness } from "./harness.mjs";

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
} = createHarness("mail");
const agent = { login: "lea", password: "motdepasse-lea-mail-e2e" };
const publicUrl = "http://plume.mairie-x.test";

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

// `plume serve` options that send replies through the scripted relay.
function mailArgs(smtpPort) {
  return [
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
  ];
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

async function scenario(base, smtp, tmp) {
  const { cookie, call } = await apiSession(
    base,
    agent,
    "API : connexion de l'agent",
  );
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

  const { page } = await openBrowser(tmp, "agent", base, cookie);
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

await main(async (tmp) => {
  const dataDir = prepareData(tmp, {
    fiches: ["F1341"],
    agents: [
      { who: agent, name: "Léa Roux", role: "agent", service: "mairie-x" },
    ],
  });
  const smtp = await startSmtp();
  const base = await startPlume(dataDir, mailArgs(smtp.port));
  console.log(`     serveur ${base}, relais SMTP 127.0.0.1:${smtp.port}`);
  await scenario(base, smtp, tmp);
});
