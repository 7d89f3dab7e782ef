// French formatting of the dashboard figures (numbers, shares, durations, periods).
const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 0 });
const dayLong = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });
const dayShort = new Intl.DateTimeFormat("fr-FR", {
  day: "2-digit",
  month: "2-digit",
  timeZone: "UTC",
});

// Text shown for a figure the server could not compute (null: nothing to divide).
export const kUnavailable = "non disponible";

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatShare(share: number | null): string {
  return share === null ? kUnavailable : percent.format(share);
}

export function formatScore(score: number | null): string {
  return score === null ? kUnavailable : `${oneDecimal.format(score)} / 5`;
}

// Durations in hours: minutes below one hour, days from two days on.
export function formatHours(hours: number | null): string {
  if (hours === null) return kUnavailable;
  if (hours < 1) return `${integer.format(Math.round(hours * 60))} min`;
  if (hours < 48) return `${oneDecimal.format(hours)} h`;
  return `${oneDecimal.format(hours / 24)} jours`;
}

function utcDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

// "2026-10-05" -> "5 octobre 2026".
export function formatDay(day: string): string {
  const d = utcDay(day);
  return Number.isNaN(d.getTime()) ? day : dayLong.format(d);
}

// Axis label of a chart bar: "05/10".
export function formatDayShort(day: string): string {
  const d = utcDay(day);
  return Number.isNaN(d.getTime()) ? day : dayShort.format(d);
}

// The API's exclusive end instant ("2026-11-24T00:00:00Z") -> last day included ("2026-11-23").
export function lastDayOf(endExclusive: string): string {
  const d = new Date(endExclusive);
  if (Number.isNaN(d.getTime())) return endExclusive.slice(0, 10);
  return new Date(d.getTime() - 86_400_000).toISOString().slice(0, 10);
}

export const feedbackReasonLabels: Record<string, string> = {
  inexact: "Inexacte",
  incomplet: "Incomplète",
  hors_sujet: "Hors sujet",
  ton: "Ton inadapté",
  source_obsolete: "Source obsolète",
};

export function intentLabel(code: string): string {
  if (code === "non_classe") return "Non classé";
  if (code === "a-qualifier") return "À qualifier";
  return code;
}
