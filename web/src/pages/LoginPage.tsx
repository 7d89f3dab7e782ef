import { useRef, useState, type FormEvent } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { ApiError, api } from "../api";
import { PageTitle } from "../components/PageTitle";
import type { Session } from "../types";

export function LoginPage({
  onSignedIn,
  expired,
}: {
  onSignedIn: (s: Session) => void;
  expired: boolean;
}) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const alertRef = useRef<HTMLDivElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!login.trim() || !password) {
      setError("Saisissez votre identifiant et votre mot de passe.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(login.trim(), password));
    } catch (err) {
      setPassword("");
      setError(err instanceof ApiError ? err.message : "Connexion impossible.");
      requestAnimationFrame(() => alertRef.current?.focus());
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <PageTitle title="Connexion" />
        <p>Connectez-vous avec le compte agent fourni par votre service.</p>
        {expired && !error && (
          <Alert
            severity="info"
            small
            className="fr-mb-3w"
            description="Votre session a expiré. Reconnectez-vous pour continuer."
          />
        )}
        {error && (
          <div ref={alertRef} tabIndex={-1} className="fr-mb-3w">
            <Alert severity="error" title="Connexion refusée" description={error} role="alert" />
          </div>
        )}
        <form onSubmit={submit} noValidate aria-label="Connexion à Plume">
          <fieldset className="fr-fieldset" disabled={busy}>
            <legend className="fr-sr-only">Identifiants</legend>
            <Input
              className="fr-fieldset__element"
              label="Identifiant"
              nativeInputProps={{
                name: "login",
                autoComplete: "username",
                required: true,
                value: login,
                onChange: (e) => setLogin(e.target.value),
              }}
            />
            <Input
              className="fr-fieldset__element"
              label="Mot de passe"
              nativeInputProps={{
                name: "password",
                type: "password",
                autoComplete: "current-password",
                required: true,
                value: password,
                onChange: (e) => setPassword(e.target.value),
              }}
            />
            <div className="fr-fieldset__element">
              <Button type="submit">{busy ? "Connexion…" : "Se connecter"}</Button>
            </div>
          </fieldset>
        </form>
      </div>
    </div>
  );
}
