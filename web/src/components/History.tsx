// Message history: every draft proposed and every agent decision, oldest first.
import { decisionLabels, engineLabels, formatDateTime } from "../labels";
import type { Decision, Draft, MessageDetail } from "../types";

type Entry = { at: string; draft?: Draft; decision?: Decision };

export function History({ detail }: { detail: MessageDetail }) {
  const entries: Entry[] = [
    ...detail.drafts.map((d) => ({ at: d.created_at, draft: d })),
    ...detail.decisions.map((d) => ({ at: d.decided_at, decision: d })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  return (
    <section aria-labelledby="historique-titre" className="plume-card" data-testid="history">
      <h2 id="historique-titre" className="fr-h5">
        Historique
      </h2>
      {entries.length === 0 ? (
        <p className="plume-muted">Aucune proposition ni réponse pour l'instant.</p>
      ) : (
        <ol className="plume-history">
          {entries.map((e) =>
            e.draft ? (
              <li key={`d${e.draft.id}`} data-kind="draft">
                <p className="fr-mb-0">
                  <strong>Proposition n° {e.draft.id}</strong> —{" "}
                  {engineLabels[e.draft.engine] ?? e.draft.engine} (version {e.draft.engine_version}
                  )
                </p>
                <p className="fr-text--sm plume-muted fr-mb-0">{formatDateTime(e.at)}</p>
              </li>
            ) : (
              <li key={`c${e.decision!.id}`} data-kind={e.decision!.kind}>
                <p className="fr-mb-0">
                  <strong>{decisionLabels[e.decision!.kind] ?? e.decision!.kind}</strong>
                  {e.decision!.draft_id != null && ` (proposition n° ${e.decision!.draft_id})`}
                </p>
                <p className="fr-text--sm plume-muted fr-mb-0">
                  {formatDateTime(e.at)} · par {e.decision!.agent}
                  {e.decision!.kind === "edited" &&
                    e.decision!.edit_distance != null &&
                    ` · ${e.decision!.edit_distance} caractère(s) modifié(s)`}
                </p>
                {e.decision!.final_text && (
                  <details className="fr-mt-1w">
                    <summary>Texte envoyé</summary>
                    <div className="plume-citizen-text fr-mt-1w">{e.decision!.final_text}</div>
                  </details>
                )}
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}
