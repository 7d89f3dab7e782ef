import { useEffect, useState, type FormEvent } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { Tag } from "@codegouvfr/react-dsfr/Tag";
import { ApiError, api } from "../api";
import { Link } from "../components/Link";
import { PageTitle } from "../components/PageTitle";
import { StatusBadge } from "../components/StatusBadge";
import { channelLabels, formatDateTime, statusLabels, statusOrder } from "../labels";
import { navigate } from "../router";
import type { Channel, MessageList } from "../types";

const kPageSize = 25;

// Inbox filters live in the page URL (?statut=&canal=&du=&au=&apres=) so that the back button
// and shared links keep them.
interface Filters {
  statut: string;
  canal: string;
  du: string;
  au: string;
  file: string; // routing queue (issue #6)
}

function filtersFrom(search: URLSearchParams): Filters {
  return {
    statut: search.get("statut") ?? "",
    canal: search.get("canal") ?? "",
    du: search.get("du") ?? "",
    au: search.get("au") ?? "",
    file: search.get("file") ?? "",
  };
}

function urlFor(f: Filters, after?: number): string {
  const p = new URLSearchParams();
  if (f.statut) p.set("statut", f.statut);
  if (f.canal) p.set("canal", f.canal);
  if (f.du) p.set("du", f.du);
  if (f.au) p.set("au", f.au);
  if (f.file) p.set("file", f.file);
  if (after !== undefined) p.set("apres", String(after));
  const q = p.toString();
  return q ? `/?${q}` : "/";
}

// Day bounds in the agent's time zone, sent as ISO 8601 UTC instants.
function apiQuery(f: Filters, after: string | null): URLSearchParams {
  const p = new URLSearchParams({ limit: String(kPageSize), view: "summary" });
  if (f.statut) p.set("status", f.statut);
  if (f.canal) p.set("channel", f.canal);
  if (f.du) p.set("from", new Date(`${f.du}T00:00:00`).toISOString().replace(".000Z", "Z"));
  if (f.au) p.set("to", new Date(`${f.au}T23:59:59`).toISOString().replace(".000Z", "Z"));
  if (f.file) p.set("queue", f.file);
  if (after) p.set("after_id", after);
  return p;
}

export function InboxPage({ search }: { search: URLSearchParams }) {
  const applied = filtersFrom(search);
  const after = search.get("apres");
  const key = search.toString();
  const [draft, setDraft] = useState<Filters>(applied);
  const [data, setData] = useState<MessageList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    setDraft(filtersFrom(search));
    api.listMessages(apiQuery(filtersFrom(search), search.get("apres"))).then(
      (d) => live && (setData(d), setLoading(false)),
      (e) => {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : "Impossible de charger les messages.");
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // Reloads when the URL query changes (filters, page); `search` is a fresh object each render.
  }, [key]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft.du && draft.au && draft.du > draft.au) {
      setError("La date de début doit précéder la date de fin.");
      return;
    }
    navigate(urlFor(draft));
  };

  const rows = (data?.messages ?? []).map((m) => [
    <span className="plume-nowrap">{formatDateTime(m.received_at)}</span>,
    <>
      {m.sender_name || "Usager anonyme"}
      {m.sender_email && <span className="plume-muted plume-email">{m.sender_email}</span>}
    </>,
    <>
      <Link href={`/messages/${m.id}`} className="fr-link" data-message-id={m.id}>
        {m.subject || `Message n° ${m.id}`}
      </Link>
      {m.excerpt && <span className="plume-muted plume-excerpt">{m.excerpt}</span>}
    </>,
    channelLabels[m.channel as Channel] ?? m.channel,
    <StatusBadge status={m.status} />,
    m.intent || "—",
    m.queue ? (
      <Link href={urlFor({ ...applied, file: m.queue })} className="fr-link" data-queue={m.queue}>
        {m.queue}
      </Link>
    ) : (
      "—"
    ),
  ]);

  return (
    <>
      <PageTitle title="Boîte de réception" />
      <section aria-labelledby="compteurs-titre" className="fr-mb-3w">
        <h2 id="compteurs-titre" className="fr-h6 fr-mb-1w">
          Messages du service par statut
        </h2>
        <ul className="fr-tags-group" data-testid="status-counts">
          {statusOrder.map((s) => (
            <li key={s}>
              <Tag
                pressed={applied.statut === s}
                nativeButtonProps={{
                  "data-status": s,
                  title: `Afficher uniquement les messages « ${statusLabels[s]} »`,
                }}
                onClick={() =>
                  navigate(urlFor({ ...applied, statut: applied.statut === s ? "" : s }))
                }
              >
                {statusLabels[s]} : {data?.counts?.[s] ?? 0}
              </Tag>
            </li>
          ))}
        </ul>
      </section>

      <form onSubmit={submit} className="plume-filters fr-mb-3w" aria-label="Filtrer les messages">
        <Select
          label="Statut"
          nativeSelectProps={{
            name: "statut",
            value: draft.statut,
            onChange: (e) => setDraft({ ...draft, statut: e.target.value }),
          }}
        >
          <option value="">Tous</option>
          {statusOrder.map((s) => (
            <option key={s} value={s}>
              {statusLabels[s]}
            </option>
          ))}
        </Select>
        <Select
          label="Canal"
          nativeSelectProps={{
            name: "canal",
            value: draft.canal,
            onChange: (e) => setDraft({ ...draft, canal: e.target.value }),
          }}
        >
          <option value="">Tous</option>
          {(Object.keys(channelLabels) as Channel[]).map((c) => (
            <option key={c} value={c}>
              {channelLabels[c]}
            </option>
          ))}
        </Select>
        <Input
          label="Reçu à partir du"
          nativeInputProps={{
            name: "du",
            type: "date",
            value: draft.du,
            onChange: (e) => setDraft({ ...draft, du: e.target.value }),
          }}
        />
        <Input
          label="Reçu jusqu'au"
          nativeInputProps={{
            name: "au",
            type: "date",
            value: draft.au,
            onChange: (e) => setDraft({ ...draft, au: e.target.value }),
          }}
        />
        <Input
          label="File"
          nativeInputProps={{
            name: "file",
            value: draft.file,
            placeholder: "ex. bureau-des-etrangers",
            onChange: (e) => setDraft({ ...draft, file: e.target.value.trim() }),
          }}
        />
        <div className="plume-filters-actions">
          <Button type="submit" iconId="fr-icon-filter-line">
            Filtrer
          </Button>
          <Button
            type="button"
            priority="secondary"
            onClick={() => navigate("/")}
            disabled={!search.toString()}
          >
            Réinitialiser
          </Button>
        </div>
      </form>

      {error && <Alert severity="error" title="Erreur" description={error} className="fr-mb-3w" />}
      <p className="fr-sr-only" aria-live="polite">
        {loading
          ? "Chargement des messages…"
          : `${data?.messages.length ?? 0} message(s) affiché(s).`}
      </p>
      {!loading && data && data.messages.length === 0 && !error && (
        <p className="fr-mt-2w" data-testid="inbox-empty">
          Aucun message ne correspond à ces critères.
        </p>
      )}
      {data && data.messages.length > 0 && (
        <Table
          className="plume-inbox-table"
          caption={after ? "Messages reçus (suite)" : "Messages reçus"}
          headers={["Reçu le", "Expéditeur", "Objet", "Canal", "Statut", "Intention", "File"]}
          data={rows}
          bordered
        />
      )}
      <nav className="plume-pager" aria-label="Pagination des messages">
        {after && (
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-left-s-first-line"
            onClick={() => navigate(urlFor(applied))}
          >
            Première page
          </Button>
        )}
        {data?.next_after_id != null && (
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-right-s-line"
            iconPosition="right"
            onClick={() => navigate(urlFor(applied, data.next_after_id!))}
          >
            Suivant
          </Button>
        )}
      </nav>
    </>
  );
}
