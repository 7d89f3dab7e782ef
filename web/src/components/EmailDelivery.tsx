// E-mail side of a message (issue #7): the reply's delivery state with a retry button when it
// failed, and the attachments of a received e-mail (downloaded through the API, never inlined).
import { useState } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Badge } from "@codegouvfr/react-dsfr/Badge";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { ApiError, api } from "../api";
import { formatDateTime } from "../labels";
import type { MessageDetail } from "../types";

const severity = {
  pending: "info",
  sent: "success",
  failed: "error",
  not_queued: "warning",
} as const;

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} ko`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(".", ",")} Mo`;
}

export function EmailDelivery({
  detail,
  onChanged,
}: {
  detail: MessageDetail;
  onChanged: () => Promise<void> | void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const delivery = detail.email_delivery ?? null;
  const attachments = detail.attachments ?? [];
  if (!delivery && attachments.length === 0) return null;

  const retry = async () => {
    if (!delivery?.id) return;
    setBusy(true);
    setError(null);
    try {
      await api.retryEmail(delivery.id);
      await onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Relance impossible.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="courriel-titre" className="plume-card fr-mb-3w" data-testid="email">
      <h2 id="courriel-titre" className="fr-h5">
        Courriel
      </h2>
      {delivery && (
        <div data-testid="email-delivery" data-state={delivery.state}>
          <p className="fr-mb-1w">
            Envoi de la réponse :{" "}
            <Badge severity={severity[delivery.state]} small noIcon={false}>
              {delivery.state_label}
            </Badge>
          </p>
          <p className="fr-text--sm plume-muted fr-mb-1w">
            {delivery.attempts !== undefined && `${delivery.attempts} tentative(s)`}
            {delivery.sent_at && ` — envoyé le ${formatDateTime(delivery.sent_at)}`}
            {delivery.state === "pending" &&
              delivery.next_attempt_at &&
              ` — prochain essai le ${formatDateTime(delivery.next_attempt_at)}`}
          </p>
          {delivery.last_error && delivery.state !== "sent" && (
            <p className="fr-text--sm fr-mb-1w" data-testid="email-error">
              Dernière erreur : {delivery.last_error}
            </p>
          )}
          {delivery.state === "failed" && delivery.id !== undefined && (
            <Button
              priority="secondary"
              size="small"
              iconId="fr-icon-refresh-line"
              onClick={() => void retry()}
              disabled={busy}
            >
              Réessayer l'envoi
            </Button>
          )}
          {error && <Alert severity="error" small description={error} role="alert" />}
        </div>
      )}
      {attachments.length > 0 && (
        <>
          <h3 className="fr-text--md fr-mt-2w fr-mb-1w">Pièces jointes</h3>
          <ul data-testid="attachments">
            {attachments.map((a) => (
              <li key={a.id}>
                {a.url ? (
                  <a href={a.url} download>
                    {a.filename || "pièce jointe"}
                  </a>
                ) : (
                  <span>{a.filename || "pièce jointe"} (non conservée : trop volumineuse)</span>
                )}{" "}
                <span className="plume-muted fr-text--sm">
                  — {a.content_type}, {formatSize(a.size)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
