// "Règles d'orientation" (issue #6): where arriving messages go from their predicted intent.
// Admins edit the rules (PUT /api/admin/routing); supervisors read those of their service.
import { useEffect, useState, type FormEvent } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { ApiError, api } from "../api";
import { PageTitle } from "../components/PageTitle";
import type { IntentList, RoutingRules, Session } from "../types";

export const kRoutingPath = "/orientation";

export function canSeeRouting(session: Session): boolean {
  return session.agent.role === "admin" || session.agent.role === "supervisor";
}

export function RoutingPage({ session }: { session: Session }) {
  const [rules, setRules] = useState<RoutingRules | null>(null);
  const [labels, setLabels] = useState<IntentList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    Promise.all([api.routingRules(), api.intents()]).then(
      ([r, l]) => {
        setRules(r);
        setLabels(l);
      },
      (e) =>
        setError(
          e instanceof ApiError ? e.message : "Impossible de charger les règles d'orientation.",
        ),
    );
  }, []);

  if (!canSeeRouting(session)) {
    return (
      <>
        <PageTitle title="Règles d'orientation" />
        <Alert
          severity="warning"
          title="Accès réservé"
          description="Les règles d'orientation sont réservées aux superviseurs et aux administrateurs."
        />
      </>
    );
  }

  const editable = rules?.editable === true;
  const update = (next: RoutingRules) => {
    setRules(next);
    setSaved(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rules) return;
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const r = await api.saveRoutingRules(rules);
      setRules(r);
      setSaved(
        `Règles enregistrées : ${r.rules.length} règle(s). Elles s'appliquent aux prochains messages.`,
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Enregistrement impossible.");
    } finally {
      setBusy(false);
    }
  };

  const serviceName = (s: string) => (s ? s : "Tous les services");
  const intentOptions = labels ? [...labels.intents, labels.to_qualify] : [];

  return (
    <>
      <PageTitle title="Règles d'orientation" />
      <p>
        Chaque message reçu est classé par intention (thème), puis placé dans la file d'une équipe
        selon ces règles. Une règle propre à un service l'emporte sur une règle commune ; sans
        règle, le message va dans la file par défaut. Les messages dont l'intention est incertaine
        vont dans la file « À qualifier ».
      </p>
      {!editable && rules && (
        <Alert
          severity="info"
          small
          className="fr-mb-3w"
          description="Lecture seule : seuls les administrateurs modifient les règles."
        />
      )}
      <div aria-live="polite">
        {error && (
          <Alert severity="error" title="Erreur" description={error} className="fr-mb-3w" />
        )}
        {saved && (
          <Alert severity="success" small description={saved} className="fr-mb-3w" role="status" />
        )}
      </div>
      {rules && labels && (
        <form onSubmit={(e) => void submit(e)} aria-label="Règles d'orientation">
          <h2 className="fr-h5">Files par défaut</h2>
          <div className="fr-table fr-table--bordered">
            <table data-testid="routing-services">
              <caption className="fr-sr-only">Files par défaut de chaque service</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">File par défaut</th>
                  <th scope="col">File « À qualifier »</th>
                  {editable && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {rules.services.map((q, i) => (
                  <tr key={`s${i}`}>
                    <td>
                      {q.service === "" || !editable ? (
                        serviceName(q.service)
                      ) : (
                        <input
                          className="fr-input"
                          aria-label={`Service de la ligne ${i + 1}`}
                          value={q.service}
                          onChange={(e) => {
                            const services = [...rules.services];
                            services[i] = { ...q, service: e.target.value.trim() };
                            update({ ...rules, services });
                          }}
                        />
                      )}
                    </td>
                    {(["default_queue", "qualification_queue"] as const).map((field) => (
                      <td key={field}>
                        {editable ? (
                          <input
                            className="fr-input"
                            name={`${field}-${i}`}
                            aria-label={`${field === "default_queue" ? "File par défaut" : "File « À qualifier »"} — ${serviceName(q.service)}`}
                            value={q[field]}
                            placeholder={q.service ? "(file commune)" : ""}
                            onChange={(e) => {
                              const services = [...rules.services];
                              services[i] = { ...q, [field]: e.target.value };
                              update({ ...rules, services });
                            }}
                          />
                        ) : (
                          q[field] || "(file commune)"
                        )}
                      </td>
                    ))}
                    {editable && (
                      <td>
                        {q.service !== "" && (
                          <Button
                            type="button"
                            size="small"
                            priority="tertiary"
                            iconId="fr-icon-delete-line"
                            onClick={() =>
                              update({
                                ...rules,
                                services: rules.services.filter((_, j) => j !== i),
                              })
                            }
                          >
                            Retirer
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {editable && (
            <Button
              type="button"
              priority="secondary"
              size="small"
              iconId="fr-icon-add-line"
              className="fr-mb-4w"
              onClick={() =>
                update({
                  ...rules,
                  services: [
                    ...rules.services,
                    {
                      service: "nouveau-service",
                      default_queue: "",
                      qualification_queue: "",
                      min_confidence: null,
                    },
                  ],
                })
              }
            >
              Ajouter un service
            </Button>
          )}

          <h2 className="fr-h5">Règles par intention</h2>
          <div className="fr-table fr-table--bordered">
            <table data-testid="routing-rules">
              <caption className="fr-sr-only">Règles : intention vers file</caption>
              <thead>
                <tr>
                  <th scope="col">Service</th>
                  <th scope="col">Intention</th>
                  <th scope="col">File</th>
                  {editable && <th scope="col">Action</th>}
                </tr>
              </thead>
              <tbody>
                {rules.rules.length === 0 && (
                  <tr>
                    <td colSpan={editable ? 4 : 3}>
                      Aucune règle : tout va dans la file par défaut.
                    </td>
                  </tr>
                )}
                {rules.rules.map((r, i) =>
                  editable ? (
                    <tr key={`r${i}`} data-rule-index={i}>
                      <td>
                        <input
                          className="fr-input"
                          name={`rule-service-${i}`}
                          aria-label={`Service de la règle ${i + 1} (vide : tous les services)`}
                          placeholder="Tous les services"
                          value={r.service}
                          onChange={(e) => {
                            const list = [...rules.rules];
                            list[i] = { ...r, service: e.target.value.trim() };
                            update({ ...rules, rules: list });
                          }}
                        />
                      </td>
                      <td>
                        <select
                          className="fr-select"
                          name={`rule-intent-${i}`}
                          aria-label={`Intention de la règle ${i + 1}`}
                          value={r.intent}
                          onChange={(e) => {
                            const list = [...rules.rules];
                            list[i] = { ...r, intent: e.target.value };
                            update({ ...rules, rules: list });
                          }}
                        >
                          <option value="" disabled>
                            Choisir
                          </option>
                          {intentOptions.map((l) => (
                            <option key={l.id} value={l.id}>
                              {l.name}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        <input
                          className="fr-input"
                          name={`rule-queue-${i}`}
                          aria-label={`File de la règle ${i + 1}`}
                          value={r.queue}
                          onChange={(e) => {
                            const list = [...rules.rules];
                            list[i] = { ...r, queue: e.target.value };
                            update({ ...rules, rules: list });
                          }}
                        />
                      </td>
                      <td>
                        <Button
                          type="button"
                          size="small"
                          priority="tertiary"
                          iconId="fr-icon-delete-line"
                          onClick={() =>
                            update({ ...rules, rules: rules.rules.filter((_, j) => j !== i) })
                          }
                        >
                          Retirer
                        </Button>
                      </td>
                    </tr>
                  ) : (
                    <tr key={`r${i}`}>
                      <td>{serviceName(r.service)}</td>
                      <td>{r.intent_name ?? r.intent}</td>
                      <td>{r.queue}</td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
          {editable && (
            <div style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
              <Button
                type="button"
                priority="secondary"
                iconId="fr-icon-add-line"
                onClick={() =>
                  update({
                    ...rules,
                    rules: [...rules.rules, { service: "", intent: "", queue: "" }],
                  })
                }
              >
                Ajouter une règle
              </Button>
              <Button type="submit" disabled={busy} iconId="fr-icon-save-line">
                Enregistrer les règles
              </Button>
            </div>
          )}
        </form>
      )}
    </>
  );
}
