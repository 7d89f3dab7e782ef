// "Proposer comme réponse type" under a message once its reply is sent (issue #3): the server
// turns the reply into a candidate without the citizen's data; supervisors then review it on the
// "Réponses types" page.
import { useState } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { ApiError, api } from "../api";
import { Link } from "../components/Link";
import type { Decision } from "../types";
import { kTemplatesPath } from "./TemplatesPage";

export function TemplatesProposeButton({ decisions }: { decisions: Decision[] }) {
  const sent = [...decisions].reverse().find((d) => d.kind !== "discarded");
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<string | null>(null);
  if (!sent) return null;

  const propose = async () => {
    setState("busy");
    setError(null);
    try {
      await api.proposeTemplate(sent.id);
      setState("done");
    } catch (e) {
      setState("idle");
      setError(
        e instanceof ApiError && e.code === "conflict"
          ? "Cette réponse a déjà été proposée comme réponse type."
          : e instanceof Error
            ? e.message
            : "La proposition n'a pas pu être enregistrée.",
      );
    }
  };

  return (
    <section aria-labelledby="reponse-type-titre" className="plume-card fr-mb-3w">
      <h2 id="reponse-type-titre" className="fr-h6">
        Réponse type
      </h2>
      {state === "done" ? (
        <Alert
          severity="success"
          small
          role="status"
          description={
            <>
              Réponse proposée comme réponse type, sans les données personnelles de l'usager. Un
              superviseur la relira avant qu'elle soit utilisée (
              <Link href={kTemplatesPath}>voir les réponses types</Link>).
            </>
          }
        />
      ) : (
        <>
          <p className="fr-text--sm fr-mb-2w">
            Cette réponse peut servir pour des messages semblables : les noms, adresses, téléphones
            et numéros seront retirés avant la relecture par un superviseur.
          </p>
          <Button
            priority="secondary"
            size="small"
            iconId="fr-icon-file-add-line"
            onClick={() => void propose()}
            disabled={state === "busy"}
          >
            Proposer comme réponse type
          </Button>
        </>
      )}
      {error && (
        <Alert severity="error" small role="alert" description={error} className="fr-mt-2w" />
      )}
    </section>
  );
}
