// Supervisor dashboard (issue #5): outcome figures of the service over a period, charts per
// week or day with table alternatives, volumes, CSV export. Agents get "accès réservé".
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Alert } from "@codegouvfr/react-dsfr/Alert";
import { Button } from "@codegouvfr/react-dsfr/Button";
import { Card } from "@codegouvfr/react-dsfr/Card";
import { Input } from "@codegouvfr/react-dsfr/Input";
import { Select } from "@codegouvfr/react-dsfr/Select";
import { Table } from "@codegouvfr/react-dsfr/Table";
import { ApiError, api } from "../api";
import { BarChart } from "../components/BarChart";
import { Link } from "../components/Link";
import { PageTitle } from "../components/PageTitle";
import {
  feedbackReasonLabels,
  formatCount,
  formatDay,
  formatDayShort,
  formatHours,
  formatScore,
  formatShare,
  intentLabel,
  lastDayOf,
} from "../figures";
import { channelLabels } from "../labels";
import { navigate } from "../router";
import type {
  Channel,
  Granularity,
  OutcomeFigures,
  OutcomeReport,
  SatisfactionFigures,
  Session,
} from "../types";

export const kDashboardPath = "/tableau-de-bord";

// Period in the page URL (?du=&au=&pas=jour) so that the back button and shared links keep it.
interface PeriodForm {
  du: string;
  au: string;
  pas: Granularity;
}

function formFrom(search: URLSearchParams): PeriodForm {
  return {
    du: search.get("du") ?? "",
    au: search.get("au") ?? "",
    pas: search.get("pas") === "jour" ? "day" : "week",
  };
}

function urlFor(f: PeriodForm): string {
  const p = new URLSearchParams();
  if (f.du) p.set("du", f.du);
  if (f.au) p.set("au", f.au);
  if (f.pas === "day") p.set("pas", "jour");
  const q = p.toString();
  return q ? `${kDashboardPath}?${q}` : kDashboardPath;
}

function apiQuery(f: PeriodForm): URLSearchParams {
  const p = new URLSearchParams({ granularity: f.pas });
  if (f.du) p.set("from", f.du);
  if (f.au) p.set("to", f.au);
  return p;
}

export function canSeeDashboard(session: Session): boolean {
  return session.agent.role === "supervisor" || session.agent.role === "admin";
}

function ReservedAccess() {
  return (
    <>
      <PageTitle title="Tableau de bord" />
      <Alert
        severity="warning"
        title="Accès réservé"
        description="Le tableau de bord est réservé aux superviseurs et aux administrateurs. Adressez-vous à votre superviseur pour connaître les résultats de votre service."
        className="fr-mb-3w"
        data-testid="dashboard-forbidden"
      />
      <Link href="/" className="fr-link fr-icon-arrow-left-line fr-link--icon-left">
        Retour à la boîte de réception
      </Link>
    </>
  );
}

function KeyFigure({
  title,
  value,
  detail,
  testId,
}: {
  title: string;
  value: string;
  detail: ReactNode;
  testId: string;
}) {
  return (
    <li className="fr-col-12 fr-col-sm-6 fr-col-lg-4">
      <Card
        title={title}
        titleAs="h3"
        size="small"
        className="plume-figure"
        nativeDivProps={{ "data-testid": testId } as React.HTMLAttributes<HTMLDivElement>}
        desc={
          <>
            <span className="plume-figure-value" data-testid={`${testId}-value`}>
              {value}
            </span>
            <span className="plume-figure-detail">{detail}</span>
          </>
        }
      />
    </li>
  );
}

function KeyFigures({ t }: { t: OutcomeFigures }) {
  const sat = t.satisfaction;
  const fb = t.agent_feedback;
  const assisted = t.replies.accepted + t.replies.edited;
  return (
    <ul className="fr-grid-row fr-grid-row--gutters plume-figures" data-testid="key-figures">
      <KeyFigure
        testId="figure-replies"
        title="Réponses envoyées"
        value={formatCount(t.replies.total)}
        detail={`${formatCount(t.messages_received)} message(s) reçu(s) sur la période`}
      />
      <KeyFigure
        testId="figure-response-time"
        title="Délai médian de réponse"
        value={formatHours(t.response_time_hours.median)}
        detail={`Délai moyen : ${formatHours(t.response_time_hours.mean)}`}
      />
      <KeyFigure
        testId="figure-ai-share"
        title="Réponses assistées par l'IA"
        value={formatShare(t.ai_assisted_share)}
        detail={`${formatCount(assisted)} réponse(s) sur ${formatCount(t.replies.total)} partent d'une proposition ; ${formatCount(t.replies.written_without_ai)} rédigée(s) sans l'IA`}
      />
      <KeyFigure
        testId="figure-decisions"
        title="Propositions acceptées telles quelles"
        value={formatShare(t.accepted_rate)}
        detail={`Modifiées : ${formatShare(t.edited_rate)} · écartées : ${formatShare(t.discarded_rate)} (${formatCount(t.draft_decisions.total)} décision(s) sur ${formatCount(t.drafts_created)} proposition(s))`}
      />
      <KeyFigure
        testId="figure-edit-distance"
        title="Distance d'édition moyenne"
        value={formatShare(t.mean_normalized_edit_distance)}
        detail="Part du texte proposé modifiée par l'agent avant envoi (propositions modifiées)"
      />
      <KeyFigure
        testId="figure-satisfaction"
        title="Usagers satisfaits"
        value={formatShare(sat.all.satisfied_share)}
        detail={`Avec l'IA : ${formatShare(sat.ai_assisted.satisfied_share)} · sans l'IA : ${formatShare(sat.not_assisted.satisfied_share)} (${formatCount(sat.all.ratings)} avis, note 4 ou 5 sur 5)`}
      />
      <KeyFigure
        testId="figure-agent-feedback"
        title="Avis positifs des agents"
        value={formatShare(fb.positive_share)}
        detail={`${formatCount(fb.thumbs_up)} avis positif(s), ${formatCount(fb.thumbs_down)} négatif(s) sur les propositions`}
      />
    </ul>
  );
}

function satisfactionRow(label: string, s: SatisfactionFigures): ReactNode[] {
  return [
    label,
    formatCount(s.ratings),
    formatScore(s.mean_score),
    formatShare(s.satisfied_share),
    formatShare(s.useful_share),
  ];
}

// Rows sorted by decreasing count, with the share of the total.
function volumeRows(
  counts: Record<string, number>,
  label: (code: string) => string,
): ReactNode[][] {
  const total = Object.values(counts).reduce((s, n) => s + n, 0);
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, n]) => [label(code), formatCount(n), formatShare(total > 0 ? n / total : null)]);
}

function Report({ report }: { report: OutcomeReport }) {
  const t = report.total;
  const g = report.query.granularity;
  const per = g === "week" ? "semaine" : "jour";
  const periodHeader = g === "week" ? "Semaine du" : "Jour";
  const periods = report.periods;

  const repliesTable = (
    <Table
      caption={`Réponses envoyées par ${per} et part assistée par l'IA`}
      headers={[
        periodHeader,
        "Réponses envoyées",
        "Assistées par l'IA",
        "Rédigées sans l'IA",
        "Part assistée",
      ]}
      data={periods.map((p) => [
        formatDay(p.start),
        formatCount(p.figures.replies.total),
        formatCount(p.figures.replies.accepted + p.figures.replies.edited),
        formatCount(p.figures.replies.written_without_ai),
        formatShare(p.figures.ai_assisted_share),
      ])}
      bordered
    />
  );
  const delayTable = (
    <Table
      caption={`Délai de réponse par ${per}`}
      headers={[periodHeader, "Délai médian", "Délai moyen", "Réponses envoyées"]}
      data={periods.map((p) => [
        formatDay(p.start),
        formatHours(p.figures.response_time_hours.median),
        formatHours(p.figures.response_time_hours.mean),
        formatCount(p.figures.replies.total),
      ])}
      bordered
    />
  );
  const reasons = Object.entries(t.agent_feedback.reasons).sort((a, b) => b[1] - a[1]);
  const services = Object.entries(report.by_service);

  return (
    <>
      <section aria-labelledby="chiffres-cles" className="fr-mb-4w">
        <h2 id="chiffres-cles">Chiffres clés</h2>
        <KeyFigures t={t} />
      </section>

      <section aria-labelledby="evolution" className="fr-mb-4w">
        <h2 id="evolution">Évolution par {per}</h2>
        <BarChart
          testId="chart-replies"
          caption={`Réponses envoyées par ${per}, assistées par l'IA ou non`}
          series={[
            { label: "Assistées par l'IA", kind: "primary" },
            { label: "Rédigées sans l'IA", kind: "secondary" },
          ]}
          bars={periods.map((p) => ({
            key: p.start,
            axisLabel: formatDayShort(p.start),
            values: [
              p.figures.replies.accepted + p.figures.replies.edited,
              p.figures.replies.written_without_ai,
            ],
            valueText: formatCount(p.figures.replies.total),
            valueDetail:
              p.figures.ai_assisted_share === null
                ? undefined
                : `IA ${formatShare(p.figures.ai_assisted_share)}`,
          }))}
          table={repliesTable}
        />
        <BarChart
          testId="chart-response-time"
          caption={`Délai médian de réponse par ${per}`}
          series={[{ label: "Délai médian", kind: "primary" }]}
          bars={periods.map((p) => ({
            key: p.start,
            axisLabel: formatDayShort(p.start),
            values: [p.figures.response_time_hours.median],
            valueText:
              p.figures.response_time_hours.median === null
                ? "—"
                : formatHours(p.figures.response_time_hours.median),
          }))}
          table={delayTable}
        />
      </section>

      <section aria-labelledby="satisfaction" className="fr-mb-4w">
        <h2 id="satisfaction">Satisfaction des usagers</h2>
        <Table
          caption="Avis des usagers sur les réponses reçues, selon l'aide de l'IA"
          headers={["Réponses", "Avis", "Note moyenne", "Satisfaits (4 ou 5)", "Jugées utiles"]}
          data={[
            satisfactionRow("Assistées par l'IA", t.satisfaction.ai_assisted),
            satisfactionRow("Rédigées sans l'IA", t.satisfaction.not_assisted),
            satisfactionRow("Toutes", t.satisfaction.all),
          ]}
          bordered
        />
      </section>

      <section aria-labelledby="avis-agents" className="fr-mb-4w">
        <h2 id="avis-agents">Avis des agents sur les propositions</h2>
        <p>
          {formatCount(t.agent_feedback.thumbs_up)} avis positif(s),{" "}
          {formatCount(t.agent_feedback.thumbs_down)} avis négatif(s) (
          {formatShare(t.agent_feedback.positive_share)} de positifs).
        </p>
        <Table
          caption="Motifs signalés par les agents"
          headers={["Motif", "Nombre de signalements"]}
          data={reasons.map(([code, n]) => [feedbackReasonLabels[code] ?? code, formatCount(n)])}
          bordered
        />
      </section>

      <section aria-labelledby="volumes" className="fr-mb-4w">
        <h2 id="volumes">Volumes de messages reçus</h2>
        <div className="fr-grid-row fr-grid-row--gutters">
          <div className="fr-col-12 fr-col-md-6">
            <Table
              caption="Par canal"
              headers={["Canal", "Messages", "Part"]}
              data={volumeRows(t.volumes.by_channel, (c) => channelLabels[c as Channel] ?? c)}
              bordered
            />
          </div>
          <div className="fr-col-12 fr-col-md-6">
            {Object.keys(t.volumes.by_intent).length > 0 ? (
              <Table
                caption="Par intention"
                headers={["Intention", "Messages", "Part"]}
                data={volumeRows(t.volumes.by_intent, intentLabel)}
                bordered
              />
            ) : (
              <p>Aucun message reçu sur la période : pas de répartition par intention.</p>
            )}
          </div>
        </div>
        {services.length > 1 && (
          <Table
            caption="Par service"
            headers={[
              "Service",
              "Messages reçus",
              "Réponses envoyées",
              "Part assistée par l'IA",
              "Délai médian",
            ]}
            data={services.map(([svc, f]) => [
              svc,
              formatCount(f.messages_received),
              formatCount(f.replies.total),
              formatShare(f.ai_assisted_share),
              formatHours(f.response_time_hours.median),
            ])}
            bordered
          />
        )}
      </section>
    </>
  );
}

export function DashboardPage({ search, session }: { search: URLSearchParams; session: Session }) {
  const allowed = canSeeDashboard(session);
  const key = search.toString();
  const [form, setForm] = useState<PeriodForm>(formFrom(search));
  const [report, setReport] = useState<OutcomeReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    if (!allowed) return;
    let live = true;
    const applied = formFrom(search);
    setLoading(true);
    setError(null);
    setForm(applied);
    api.outcomes(apiQuery(applied)).then(
      (r) => {
        if (!live) return;
        setReport(r);
        setLoading(false);
        // Default period (no dates in the URL): show the dates the server chose.
        setForm({
          du: applied.du || r.query.from.slice(0, 10),
          au: applied.au || lastDayOf(r.query.to),
          pas: applied.pas,
        });
      },
      (e) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 403) setForbidden(true);
        setReport(null);
        setError(e instanceof ApiError ? e.message : "Impossible de charger les chiffres.");
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
    // Reloads when the URL query changes; `search` is a fresh object each render.
  }, [key, allowed]);

  if (!allowed || forbidden) return <ReservedAccess />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.du && form.au && form.du > form.au) {
      setError("La date de début doit précéder la date de fin.");
      return;
    }
    navigate(urlFor(form));
  };

  const q = report?.query;
  const first = q ? q.from.slice(0, 10) : "";
  const last = q ? lastDayOf(q.to) : "";
  const csvQuery = q
    ? new URLSearchParams({ from: first, to: last, granularity: q.granularity })
    : null;

  return (
    <>
      <PageTitle title="Tableau de bord" />
      <p className="fr-text--lead" data-testid="dashboard-scope">
        {q
          ? `Service ${q.service ?? "— tous les services"}, du ${formatDay(first)} au ${formatDay(last)}, par ${q.granularity === "week" ? "semaine" : "jour"}.`
          : "Résultats du service : délais, aide de l'IA, satisfaction des usagers."}
      </p>

      <form onSubmit={submit} className="plume-filters fr-mb-3w" aria-label="Choisir la période">
        <Input
          label="Du"
          hintText="Premier jour inclus"
          nativeInputProps={{
            name: "du",
            type: "date",
            value: form.du,
            onChange: (e) => setForm({ ...form, du: e.target.value }),
          }}
        />
        <Input
          label="Au"
          hintText="Dernier jour inclus"
          nativeInputProps={{
            name: "au",
            type: "date",
            value: form.au,
            onChange: (e) => setForm({ ...form, au: e.target.value }),
          }}
        />
        <Select
          label="Regrouper par"
          hint="Pas des graphiques"
          nativeSelectProps={{
            name: "pas",
            value: form.pas,
            onChange: (e) => setForm({ ...form, pas: e.target.value as Granularity }),
          }}
        >
          <option value="week">Semaine</option>
          <option value="day">Jour</option>
        </Select>
        <div className="plume-filters-actions">
          <Button type="submit" iconId="fr-icon-refresh-line">
            Afficher
          </Button>
          <Button
            type="button"
            priority="secondary"
            onClick={() => navigate(kDashboardPath)}
            disabled={!key}
          >
            8 dernières semaines
          </Button>
          {csvQuery && (
            <a
              className="fr-link fr-icon-download-line fr-link--icon-left plume-csv-link"
              href={`/api/metrics/outcomes.csv?${csvQuery.toString()}`}
              download
              data-testid="dashboard-csv"
            >
              Télécharger en CSV
              <span className="fr-sr-only"> (chiffres de la période affichée)</span>
            </a>
          )}
        </div>
      </form>

      {error && <Alert severity="error" title="Erreur" description={error} className="fr-mb-3w" />}
      <p className="fr-sr-only" aria-live="polite">
        {loading ? "Chargement des chiffres…" : report ? "Chiffres de la période affichés." : ""}
      </p>
      {report && <Report report={report} />}
    </>
  );
}
