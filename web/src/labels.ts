// French labels and formatting for what agents read.
import type { Channel, DecisionKind, MessageStatus } from "./types";

export const statusLabels: Record<MessageStatus, string> = {
  new: "Nouveau",
  in_progress: "En cours",
  answered: "Répondu",
  closed: "Clos",
};

export const statusOrder: MessageStatus[] = ["new", "in_progress", "answered", "closed"];

export const channelLabels: Record<Channel, string> = {
  api: "API",
  web_form: "Formulaire web",
  feedback: "Avis usager",
  email: "Courriel",
  import: "Import",
};

export const decisionLabels: Record<DecisionKind, string> = {
  accepted: "Proposition envoyée sans modification",
  edited: "Proposition modifiée puis envoyée",
  written_without_ai: "Réponse rédigée sans l'IA",
  discarded: "Proposition écartée",
};

export const engineLabels: Record<string, string> = {
  embedded: "Intégré (fiches officielles)",
  generative: "Génératif (modèle de langage)",
};

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});
const dateOnly = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

// Source dates may be a bare day ("2020-11-05") or a full timestamp.
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "date inconnue";
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? iso : dateOnly.format(d);
}
