// The predicted intent of a message, and the agent's correction of it (issue #6): the corrected
// intent re-routes the message and becomes a training example for the next `plume intent train`.
import { useEffect, useState } from "react";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { ApiError, api } from "../api";
import type { IntentList, Message } from "../types";

export function RoutingIntentCorrection({
  message,
  onCorrected,
}: {
  message: Message;
  onCorrected: (m: Message) => void;
}) {
  const [labels, setLabels] = useState<IntentList | null>(null);
  const [editing, setEditing] = useState(false);
  const [choice, setChoice] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    api.intents().then(setLabels, () => setLabels(null));
  }, []);

  const nameOf = (id: string | null) => {
    if (!id) return "non déterminée";
    if (labels && id === labels.to_qualify.id) return labels.to_qualify.name;
    return labels?.intents.find((l) => l.id === id)?.name ?? id;
  };

  const save = async () => {
    if (!choice) {
      setError("Choisissez une intention.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { message: updated } = await api.correctIntent(message.id, choice);
      onCorrected(updated);
      setEditing(false);
      setDone(
        `Intention corrigée : « ${nameOf(updated.intent)} », message orienté vers la file « ${updated.queue} ».`,
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "La correction n'a pas pu être enregistrée.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="message-intent">
      <span data-intent={message.intent ?? ""}>{nameOf(message.intent)}</span>
      {!editing && labels && (
        <Button
          priority="tertiary no outline"
          size="small"
          className="fr-ml-1w"
          iconId="fr-icon-edit-line"
          onClick={() => {
            setEditing(true);
            setDone(null);
            setChoice(labels.intents.some((l) => l.id === message.intent) ? message.intent! : "");
          }}
        >
          Corriger l'intention
        </Button>
      )}
      {editing && labels && (
        <div className="fr-mt-1w">
          <Select
            label="Intention correcte"
            hint="Le message sera réorienté selon les règles ; la correction servira au prochain entraînement."
            state={error ? "error" : "default"}
            stateRelatedMessage={error ?? undefined}
            nativeSelectProps={{
              name: "intention",
              value: choice,
              onChange: (e) => setChoice(e.target.value),
            }}
          >
            <option value="" disabled>
              Choisir une intention
            </option>
            {labels.intents.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </Select>
          <Button size="small" onClick={() => void save()} disabled={busy}>
            Enregistrer la correction
          </Button>
          <Button
            size="small"
            priority="secondary"
            className="fr-ml-1w"
            onClick={() => {
              setEditing(false);
              setError(null);
            }}
            disabled={busy}
          >
            Annuler
          </Button>
        </div>
      )}
      <p className="fr-sr-only" aria-live="polite">
        {done ?? ""}
      </p>
      {done && (
        <p className="fr-text--sm fr-mb-0 fr-mt-1w" data-testid="intent-corrected">
          {done}
        </p>
      )}
    </div>
  );
}
