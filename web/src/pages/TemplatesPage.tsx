// "Réponses types" (issue #3): replies agents proposed as templates. Supervisors review the
// candidates of their service (approve, possibly after editing the text, or reject); agents see
// the approved ones, which the embedded engine uses for similar messages.
import { useCallback, useEffect, useState } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { ButtonsGroup } from "@codegouvfr/react-dsfr/ButtonsGroup";
import { SegmentedControl } from "@codegouvfr/react-dsfr/SegmentedControl";
import { ApiError, api } from "../api";
import { PageTitle } from "../components/PageTitle";
import { formatDateTime } from "../labels";
import type { ReplyTemplate, ReplyTemplateStatus, Session } from "../types";

export const kTemplatesPath = "/reponses-types";

const statusLabels: Record<ReplyTemplateStatus, string> = {
  candidate: "À relire",
  approved: "Validée",
  rejected: "Refusée",
};

function canReview(session: Session): boolean {
  return session.agent.role === "supervisor" || session.agent.role === "admin";
}

function TemplateCard({
  template,
  reviewer,
  onReviewed,
}: {
  template: ReplyTemplate;
  reviewer: boolean;
  onReviewed: (t: ReplyTemplate, message: string) => void;
}) {
  const [body, setBody] = useState(template.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fieldId = `reponse-type-${template.id}`;
  const errorId = `${fieldId}-erreur`;

  const review = async (action: "approve" | "reject") => {
    setBusy(true);
    setError(null);
    try {
      const edited = action === "approve" && body !== template.body ? body : undefined;
      const res = await api.reviewTemplate(template.id, action, edited);
      onReviewed(
        res.template,
        action === "approve"
          ? `Réponse type n° ${template.id} validée : elle servira aux prochains brouillons.`
          : `Réponse type n° ${template.id} refusée.`,
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "La décision n'a pas pu être enregistrée.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="plume-card fr-mb-3w" data-testid="template-card">
      <h2 className="fr-h6 fr-mb-1w">
        {template.title} <Badge small>{statusLabels[template.status]}</Badge>
      </h2>
      <p className="fr-text--sm plume-muted fr-mb-2w">
        N° {template.id} · proposée par {template.proposed_by} le{" "}
        {formatDateTime(template.proposed_at)}
        {template.reviewed_by &&
          ` · ${template.status === "rejected" ? "refusée" : "validée"} par ${template.reviewed_by}`}
        {template.intent && ` · intention ${template.intent}`}
        {template.document_ids.length > 0 && ` · fiches ${template.document_ids.join(", ")}`}
      </p>
      {reviewer ? (
        <div className={`fr-input-group${error ? " fr-input-group--error" : ""}`}>
          <label className="fr-label" htmlFor={fieldId}>
            Texte de la réponse type
            <span className="fr-hint-text">
              Emplacements : {"{{civilite}}"}, {"{{nom}}"}, {"{{titre_fiche}}"}… Les éléments entre
              crochets sont à compléter par l'agent.
            </span>
          </label>
          <textarea
            id={fieldId}
            className={`fr-input${error ? " fr-input--error" : ""}`}
            rows={8}
            value={body}
            aria-describedby={error ? errorId : undefined}
            onChange={(e) => setBody(e.target.value)}
            data-testid="template-body"
          />
        </div>
      ) : (
        <div className="plume-citizen-text" data-testid="template-body">
          {template.body}
        </div>
      )}
      {reviewer && (
        <ButtonsGroup
          inlineLayoutWhen="md and up"
          buttons={[
            {
              children: template.status === "approved" ? "Enregistrer" : "Valider",
              iconId: "fr-icon-check-line",
              onClick: () => void review("approve"),
              disabled: busy,
            },
            {
              children: template.status === "approved" ? "Retirer" : "Refuser",
              priority: "secondary",
              iconId: "fr-icon-close-line",
              onClick: () => void review("reject"),
              disabled: busy || template.status === "rejected",
            },
          ]}
        />
      )}
      {error && <Alert id={errorId} severity="error" small role="alert" description={error} />}
    </li>
  );
}

export function TemplatesPage({ session }: { session: Session }) {
  const reviewer = canReview(session);
  const [status, setStatus] = useState<ReplyTemplateStatus>(reviewer ? "candidate" : "approved");
  const [templates, setTemplates] = useState<ReplyTemplate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setTemplates((await api.listTemplates(status)).templates);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Chargement impossible.");
    }
  }, [status]);

  useEffect(() => {
    setTemplates(null);
    void load();
  }, [load]);

  return (
    <>
      <PageTitle title="Réponses types" />
      <p>
        {reviewer
          ? "Les agents proposent leurs réponses envoyées comme réponses types, sans les données personnelles des usagers. Relisez-les : une réponse validée sert aux brouillons des messages semblables de votre service."
          : "Réponses types validées par les superviseurs de votre service : le moteur intégré s'en sert pour les messages semblables."}
      </p>
      {reviewer && (
        <SegmentedControl
          legend="Afficher"
          small
          className="fr-mb-3w"
          segments={[
            {
              label: "À relire",
              nativeInputProps: {
                checked: status === "candidate",
                onChange: () => setStatus("candidate"),
              },
            },
            {
              label: "Validées",
              nativeInputProps: {
                checked: status === "approved",
                onChange: () => setStatus("approved"),
              },
            },
            {
              label: "Refusées",
              nativeInputProps: {
                checked: status === "rejected",
                onChange: () => setStatus("rejected"),
              },
            },
          ]}
        />
      )}
      <div aria-live="polite">
        {notice && <Alert severity="success" small description={notice} className="fr-mb-3w" />}
      </div>
      {error && <Alert severity="error" small description={error} className="fr-mb-3w" />}
      {templates === null && !error && <p aria-live="polite">Chargement…</p>}
      {templates && templates.length === 0 && (
        <p data-testid="templates-empty">
          {status === "candidate"
            ? "Aucune proposition à relire."
            : status === "approved"
              ? "Aucune réponse type validée pour le moment."
              : "Aucune réponse type refusée."}
        </p>
      )}
      {templates && templates.length > 0 && (
        <ul className="fr-raw-list" data-testid="templates-list">
          {templates.map((t) => (
            <TemplateCard
              key={t.id}
              template={t}
              reviewer={reviewer}
              onReviewed={(updated, message) => {
                setNotice(message);
                setTemplates((list) =>
                  (list ?? [])
                    .map((x) => (x.id === updated.id ? updated : x))
                    .filter((x) => x.status === status),
                );
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}
