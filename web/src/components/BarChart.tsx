// Light bar chart in HTML/CSS (no chart library). The drawing is one image for assistive
// technologies (role="img" + label); the same numbers are given in a DSFR table just below,
// which `table` renders (RGAA 1.x: every chart has a text alternative).
import { useId, type ReactNode } from "react";

export interface ChartSeries {
  label: string;
  // CSS modifier of the segment (plume-chart-seg--<kind>): colour plus hatching so that the
  // series are told apart without relying on colour alone.
  kind: "primary" | "secondary";
}

export interface ChartBar {
  key: string;
  axisLabel: string;
  // One value per series (stacked bottom-up); null: no value for this period.
  values: (number | null)[];
  valueText: string;
  valueDetail?: string; // second line above the bar (hidden on dense charts)
}

interface Props {
  caption: string;
  series: ChartSeries[];
  bars: ChartBar[];
  table: ReactNode;
  testId?: string;
}

export function BarChart({ caption, series, bars, table, testId }: Props) {
  const captionId = useId();
  const totals = bars.map((b) => b.values.reduce<number>((s, v) => s + (v ?? 0), 0));
  const max = Math.max(0, ...totals);
  // Dense day charts: label every n-th bar so that axis labels never overlap.
  const labelEvery = Math.max(1, Math.ceil(bars.length / 14));
  return (
    <figure className="plume-chart fr-mb-4w" aria-labelledby={captionId} data-testid={testId}>
      <figcaption id={captionId} className="plume-chart-caption">
        {caption}
      </figcaption>
      {series.length > 1 && (
        <ul className="plume-chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.label}>
              <span className={`plume-chart-swatch plume-chart-seg--${s.kind}`} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      <div
        className="plume-chart-plot"
        role="img"
        aria-label={`${caption}. Les valeurs sont données dans le tableau qui suit le graphique.`}
      >
        {bars.map((b, i) => {
          const total = totals[i];
          // The tallest bar takes 80% of the track: room is left for the value above it.
          const height = max > 0 ? (total / max) * 80 : 0;
          return (
            <div key={b.key} className="plume-chart-col">
              <div className="plume-chart-track">
                {labelEvery === 1 && (
                  <span className="plume-chart-value">
                    {b.valueText}
                    {b.valueDetail && <span className="plume-chart-detail">{b.valueDetail}</span>}
                  </span>
                )}
                <div className="plume-chart-bar" style={{ height: `${height}%` }}>
                  {b.values.map((v, k) =>
                    v && total > 0 ? (
                      <div
                        key={k}
                        className={`plume-chart-seg plume-chart-seg--${series[k].kind}`}
                        style={{ height: `${(v / total) * 100}%` }}
                      />
                    ) : null,
                  )}
                </div>
              </div>
              <span className="plume-chart-axis">{i % labelEvery === 0 ? b.axisLabel : ""}</span>
            </div>
          );
        })}
      </div>
      <details className="plume-chart-data fr-mt-1w">
        <summary>
          Tableau des données du graphique
          <span className="fr-sr-only"> « {caption} »</span>
        </summary>
        {table}
      </details>
    </figure>
  );
}
