import { useCallback, useEffect, useRef, useState } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { ButtonsGroup } from "@codegouvfr/react-dsfr/ButtonsGroup";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { createModal } from "@codegouvfr/react-dsfr/Modal";
import { ApiError, api, streamDraft } from "../api";
import { DraftFeedback } from "../components/DraftFeedback";
import { Link } from "../components/Link";
import { PageTitle } from "../components/PageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { History } from "../components/History";
import { EmailDelivery } from "../components/EmailDelivery";
import { TemplatesProposeButton } from "./TemplatesProposeButton";
import { RoutingIntentCorrection } from "./RoutingIntentCorrection";
import { channelLabels, engineLabels, formatDate, formatDateTime } from "../labels";
import type { Draft, Engines, MessageDetail, Session } from "../types";

const confirmModal = createModal({ id: "plume-confirmer-envoi", isOpenedByDefault: false });

// idle: no proposal shown; streaming: text arriving; draft: proposal to edit; manual: the agent
// writes without AI (after "Écarter" or by choice).
type Phase = "idle" | "streaming" | "draft" | "manual";

export function MessagePage({ id, session }: { id: number; session: Session }) {
  const [detail, setDetail] = useState<MessageDetail | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [engines, setEngines] = useState<Engines | null>(null);
  const [engine, setEngine] = useState<string>("");
  const [phase, setPhase] = useState<Phase>("idle");
  const [streamed, setStreamed] = useState("");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [text, setText] = useState("");
  const [actionError, setActionError] = useState<{ title: string; message: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const draftHeadingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const reload = useCallback(async () => {
    try {
      setDetail(await api.getMessage(id));
      setLoadError(null);
    } catch (e) {
      setLoadError(
        e instanceof ApiError ? e : new ApiError(0, "internal", "Chargement impossible."),
      );
    }
  }, [id]);

  useEffect(() => {
    void reload();
    api.engines().then(
      (e) => {
        setEngines(e);
        setEngine(e.default ?? "");
      },
      () => setEngines(null),
    );
    return () => abortRef.current?.abort();
  }, [reload]);

  const focusLater = (ref: React.RefObject<HTMLElement>) =>
    requestAnimationFrame(() => ref.current?.focus());

  const showError = (title: string, e: unknown) => {
    setActionError({
      title,
      message: e instanceof ApiError ? e.message : "Une erreur inattendue est survenue.",
    });
    focusLater(errorRef);
  };

  const propose = async () => {
    abortRef.current?.abort();
    const ctrl = new AbortController();
    abortRef.current = ctrl;
    setActionError(null);
    setNotice(null);
    setStreamed("");
    setPhase("streaming");
    try {
      const d = await streamDraft(
        id,
        engine || null,
        (piece) => setStreamed((s) => s + piece),
        ctrl.signal,
      );
      setDraft(d);
      setText(d.text);
      setPhase("draft");
      focusLater(draftHeadingRef);
      void reload();
    } catch (e) {
      if (ctrl.signal.aborted) {
        setPhase(draft ? "draft" : "idle");
        setNotice("Génération interrompue.");
        return;
      }
      setPhase(draft ? "draft" : "idle");
      showError("Proposition de réponse indisponible", e);
    }
  };

  const discard = async () => {
    if (!draft) return;
    setBusy(true);
    setActionError(null);
    try {
      await api.discard(draft.id);
      setDraft(null);
      setText("");
      setPhase("manual");
      setNotice("Proposition écartée. Rédigez votre réponse sans l'IA.");
      focusLater(noticeRef);
      void reload();
    } catch (e) {
      showError("La proposition n'a pas pu être écartée", e);
    } finally {
      setBusy(false);
    }
  };

  const send = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await api.reply(id, text, phase === "draft" && draft ? draft.id : null);
      setDraft(null);
      setText("");
      setPhase("idle");
      setNotice("Réponse envoyée. Le message est marqué « Répondu ».");
      await reload();
      focusLater(noticeRef);
    } catch (e) {
      showError("La réponse n'a pas été envoyée", e);
    } finally {
      setBusy(false);
    }
  };

  const assign = async () => {
    setBusy(true);
    try {
      await api.assign(id);
      await reload();
    } catch (e) {
      showError("Prise en charge impossible", e);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    const missing = loadError.status === 404;
    return (
      <>
        <PageTitle title={missing ? "Message introuvable" : "Erreur"} />
        <Alert
          severity="error"
          title={missing ? "Message introuvable" : "Le message n'a pas pu être chargé"}
          description={
            missing
              ? "Ce message n'existe pas ou ne relève pas de votre service."
              : loadError.message
          }
          className="fr-mb-3w"
        />
        <Link href="/" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
          Retour à la boîte de réception
        </Link>
      </>
    );
  }
  if (!detail) return <p aria-live="polite">Chargement du message…</p>;

  const m = detail.message;
  const open = m.status === "new" || m.status === "in_progress";
  const title = m.subject || `Message n° ${m.id}`;

  return (
    <>
      <Link href="/" className="fr-link fr-icon-arrow-left-line fr-link--icon-left fr-mb-2w">
        Boîte de réception
      </Link>
      <PageTitle title={title} />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-7">
          <section aria-labelledby="message-titre" className="plume-card fr-mb-3w">
            <h2 id="message-titre" className="fr-h5">
              Message de l'usager
            </h2>
            <dl className="plume-meta">
              <dt>Expéditeur</dt>
              <dd data-testid="sender">
                {m.sender_name || "Usager anonyme"}
                {m.sender_email && ` (${m.sender_email})`}
              </dd>
              <dt>Reçu le</dt>
              <dd>{formatDateTime(m.received_at)}</dd>
              <dt>Canal</dt>
              <dd>{channelLabels[m.channel] ?? m.channel}</dd>
              <dt>Statut</dt>
              <dd data-testid="message-status">
                <StatusBadge status={m.status} />
              </dd>
              <dt>Intention</dt>
              <dd>
                <RoutingIntentCorrection
                  message={m}
                  onCorrected={(u) => setDetail((d) => (d ? { ...d, message: u } : d))}
                />
              </dd>
              <dt>File</dt>
              <dd data-testid="message-queue">{m.queue || "non orientée"}</dd>
              <dt>Agent</dt>
              <dd>{m.assigned_agent || "non attribué"}</dd>
            </dl>
            <div className="plume-citizen-text" data-testid="message-body">
              {m.body}
            </div>
            {open && m.assigned_agent !== session.agent.login && (
              <Button
                priority="tertiary"
                size="small"
                className="fr-mt-2w"
                iconId="fr-icon-user-add-line"
                onClick={() => void assign()}
                disabled={busy}
              >
                Prendre en charge
              </Button>
            )}
          </section>

          <div ref={noticeRef} tabIndex={-1}>
            {notice && (
              <Alert
                severity={phase === "manual" ? "info" : "success"}
                small
                description={notice}
                className="fr-mb-3w"
                role="status"
              />
            )}
          </div>
          <div ref={errorRef} tabIndex={-1}>
            {actionError && (
              <Alert
                severity="error"
                title={actionError.title}
                description={actionError.message}
                className="fr-mb-3w"
                role="alert"
              />
            )}
          </div>

          {open && (
            <section aria-labelledby="reponse-titre" className="plume-card fr-mb-3w">
              <h2 id="reponse-titre" className="fr-h5">
                Réponse
              </h2>
              {(phase === "idle" || phase === "streaming") && (
                <div className="plume-propose">
                  {engines && engines.engines.length > 1 && (
                    <Select
                      label="Moteur de proposition"
                      nativeSelectProps={{
                        name: "moteur",
                        value: engine,
                        onChange: (e) => setEngine(e.target.value),
                        disabled: phase === "streaming",
                      }}
                    >
                      {engines.engines.map((en) => (
                        <option key={en} value={en}>
                          {engineLabels[en] ?? en}
                        </option>
                      ))}
                    </Select>
                  )}
                  <ButtonsGroup
                    inlineLayoutWhen="md and up"
                    buttons={[
                      {
                        children:
                          phase === "streaming" ? "Proposition en cours…" : "Proposer une réponse",
                        iconId: "fr-icon-quill-pen-line",
                        onClick: () => void propose(),
                        disabled: phase === "streaming",
                      },
                      phase === "streaming"
                        ? {
                            children: "Arrêter",
                            priority: "secondary",
                            onClick: () => abortRef.current?.abort(),
                          }
                        : {
                            children: "Rédiger sans l'IA",
                            priority: "secondary",
                            onClick: () => {
                              setPhase("manual");
                              setNotice(null);
                            },
                          },
                    ]}
                  />
                </div>
              )}
              {phase === "streaming" && (
                <div
                  className="plume-stream"
                  aria-live="polite"
                  aria-busy="true"
                  data-testid="draft-stream"
                >
                  <p className="fr-text--sm fr-mb-1w plume-muted">Rédaction de la proposition…</p>
                  <div className="plume-citizen-text">{streamed}</div>
                </div>
              )}
              {(phase === "draft" || phase === "manual") && (
                <div data-testid="draft-editor">
                  {phase === "draft" && draft && (
                    <>
                      <h3 ref={draftHeadingRef} tabIndex={-1} className="fr-h6">
                        Proposition n° {draft.id} à relire
                      </h3>
                      <p className="fr-text--sm plume-muted" data-testid="draft-engine">
                        Moteur : {engineLabels[draft.engine] ?? draft.engine} · version{" "}
                        {draft.engine_version}
                        {draft.prompt_version && ` · consigne ${draft.prompt_version}`} · générée en{" "}
                        {draft.latency_ms} ms
                      </p>
                      {draft.warnings.length > 0 && (
                        <Alert
                          severity="warning"
                          title="Points de vigilance"
                          className="fr-mb-2w"
                          description={
                            <ul>
                              {draft.warnings.map((w, i) => (
                                <li key={i}>{w}</li>
                              ))}
                            </ul>
                          }
                        />
                      )}
                    </>
                  )}
                  <Input
                    textArea
                    label="Texte de la réponse"
                    hintText={
                      phase === "draft"
                        ? "Relisez et modifiez la proposition avant l'envoi : vous en êtes responsable."
                        : "Rédigez votre réponse à l'usager."
                    }
                    nativeTextAreaProps={{
                      name: "reponse",
                      rows: 14,
                      value: text,
                      onChange: (e) => setText(e.target.value),
                    }}
                  />
                  {phase === "draft" && draft && <DraftFeedback draftId={draft.id} />}
                  {phase === "draft" && draft && draft.sources.length > 0 && (
                    <div className="fr-mb-2w">
                      <h4 className="fr-text--md fr-text--bold fr-mb-1w">Sources</h4>
                      <ul className="plume-sources" data-testid="draft-sources">
                        {draft.sources.map((s) => (
                          <li key={s.document_id}>
                            <a
                              className="fr-link"
                              href={s.url}
                              target="_blank"
                              rel="noopener noreferrer"
                              title={`${s.title} — nouvelle fenêtre`}
                            >
                              {s.title}
                            </a>{" "}
                            <span className="plume-muted fr-text--sm">
                              (fiche à jour au {formatDate(s.source_date)})
                            </span>
                          </li>
                        ))}
                      </ul>
                    </div>
                  )}
                  <ButtonsGroup
                    inlineLayoutWhen="md and up"
                    buttons={[
                      {
                        children: "Envoyer",
                        iconId: "fr-icon-send-plane-line",
                        disabled: busy || text.trim() === "",
                        onClick: () => confirmModal.open(),
                      },
                      ...(phase === "draft"
                        ? [
                            {
                              children: "Régénérer",
                              priority: "secondary" as const,
                              iconId: "fr-icon-refresh-line" as const,
                              disabled: busy,
                              onClick: () => void propose(),
                            },
                            {
                              children: "Écarter",
                              priority: "tertiary" as const,
                              iconId: "fr-icon-delete-line" as const,
                              disabled: busy,
                              onClick: () => void discard(),
                            },
                          ]
                        : [
                            {
                              children: "Proposer une réponse",
                              priority: "secondary" as const,
                              iconId: "fr-icon-quill-pen-line" as const,
                              disabled: busy,
                              onClick: () => void propose(),
                            },
                          ]),
                    ]}
                  />
                </div>
              )}
            </section>
          )}
        </div>
        <div className="fr-col-12 fr-col-lg-5">
          <EmailDelivery detail={detail} onChanged={reload} />
          {!open && <TemplatesProposeButton decisions={detail.decisions} />}
          <History detail={detail} />
        </div>
      </div>

      <confirmModal.Component
        title="Envoyer la réponse à l'usager ?"
        buttons={[
          { children: "Annuler", priority: "secondary", doClosesModal: true },
          {
            children: "Confirmer l'envoi",
            iconId: "fr-icon-send-plane-line",
            doClosesModal: true,
            onClick: () => void send(),
          },
        ]}
      >
        <p>
          La réponse sera envoyée à {m.sender_name || "l'usager"} au nom de votre service et le
          message sera marqué « Répondu ».
          {phase === "draft" &&
            draft &&
            text !== draft.text &&
            " Vos modifications seront conservées."}
        </p>
      </confirmModal.Component>
    </>
  );
}
