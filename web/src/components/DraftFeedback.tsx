import { useState } from "react";
import { ApiError, api } from "../api";

// The agent's opinion of a proposal (issue #5): thumbs up, or thumbs down with reasons. One
// opinion per agent and proposal; sending again replaces it.
const reasons: { code: string; label: string }[] = [
  { code: "inexact", label: "Inexacte" },
  { code: "incomplet", label: "Incomplète" },
  { code: "hors_sujet", label: "Hors sujet" },
  { code: "ton", label: "Ton inadapté" },
  { code: "source_obsolete", label: "Source obsolète" },
];

type State = "idle" | "down" | "sent";

export function DraftFeedback({ draftId }: { draftId: number }) {
  const [state, setState] = useState<State>("idle");
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sentUp, setSentUp] = useState<boolean | null>(null);

  async function send(thumbsUp: boolean) {
    setBusy(true);
    setError(null);
    try {
      await api.draftFeedback(draftId, thumbsUp, thumbsUp ? [] : chosen, thumbsUp ? "" : comment);
      setSentUp(thumbsUp);
      setState("sent");
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Envoi impossible.");
    } finally {
      setBusy(false);
    }
  }

  function toggle(code: string) {
    setChosen((c) => (c.includes(code) ? c.filter((x) => x !== code) : [...c, code]));
  }

  return (
    <section
      className="fr-mb-2w"
      aria-labelledby={`feedback-title-${draftId}`}
      data-testid="draft-feedback"
    >
      <h4 id={`feedback-title-${draftId}`} className="fr-text--md fr-text--bold fr-mb-1w">
        Votre avis sur cette proposition
      </h4>
      {state === "sent" ? (
        <p className="fr-text--sm" role="status" data-testid="draft-feedback-sent">
          Merci : avis « {sentUp ? "utile" : "à améliorer"} » enregistré.{" "}
          <button type="button" className="fr-link fr-text--sm" onClick={() => setState("idle")}>
            Modifier
          </button>
        </p>
      ) : (
        <>
          <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--secondary fr-icon-thumb-up-line fr-btn--icon-left"
                disabled={busy}
                onClick={() => send(true)}
                data-testid="draft-feedback-up"
              >
                Proposition utile
              </button>
            </li>
            <li>
              <button
                type="button"
                className="fr-btn fr-btn--tertiary fr-icon-thumb-down-line fr-btn--icon-left"
                aria-expanded={state === "down"}
                disabled={busy}
                onClick={() => setState(state === "down" ? "idle" : "down")}
                data-testid="draft-feedback-down"
              >
                À améliorer
              </button>
            </li>
          </ul>
          {state === "down" && (
            <fieldset className="fr-fieldset" data-testid="draft-feedback-reasons">
              <legend className="fr-fieldset__legend fr-text--sm">
                Qu'est-ce qui ne va pas ? (plusieurs choix possibles)
              </legend>
              {reasons.map((r) => (
                <div className="fr-fieldset__element fr-fieldset__element--inline" key={r.code}>
                  <div className="fr-checkbox-group fr-checkbox-group--sm">
                    <input
                      type="checkbox"
                      id={`fb-${draftId}-${r.code}`}
                      checked={chosen.includes(r.code)}
                      onChange={() => toggle(r.code)}
                    />
                    <label className="fr-label" htmlFor={`fb-${draftId}-${r.code}`}>
                      {r.label}
                    </label>
                  </div>
                </div>
              ))}
              <div className="fr-fieldset__element">
                <label className="fr-label" htmlFor={`fb-${draftId}-comment`}>
                  Commentaire (facultatif)
                </label>
                <input
                  className="fr-input"
                  id={`fb-${draftId}-comment`}
                  maxLength={1000}
                  value={comment}
                  onChange={(e) => setComment(e.target.value)}
                />
              </div>
              <div className="fr-fieldset__element">
                <button
                  type="button"
                  className="fr-btn fr-btn--sm"
                  disabled={busy}
                  onClick={() => send(false)}
                  data-testid="draft-feedback-send"
                >
                  Envoyer mon avis
                </button>
              </div>
            </fieldset>
          )}
        </>
      )}
      {error && (
        <p className="fr-error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
