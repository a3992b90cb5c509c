import { useI18n } from '../i18n';
import { formatAge, ageSeconds, isStale } from '../lib/age';
import type { EdStatus, SnapshotUnit } from '../types';
import { STATUS_COLOURS, type MarkerStatus } from '../lib/status';

/** ED status: colour AND text, never colour alone. */
export function EdBadge({ status, large }: { status: EdStatus | null | undefined; large?: boolean }) {
  const { t } = useI18n();
  if (!status) return <span className="muted">—</span>;
  return (
    <span className={`badge ed-${status}${large ? ' badge-lg' : ''}`} data-ed={status}>
      <span className="dot" aria-hidden="true" />{t(`ed.${status}`)}
    </span>
  );
}

export function StaleBadge() {
  const { t } = useI18n();
  return <span className="badge stale-badge" data-stale="1">{t('stale')}</span>;
}

/** Data age of a row; stale rows also get the word "verouderd". */
export function AgeCell({ row, now }: { row: SnapshotUnit; now: number }) {
  const { t, lang } = useI18n();
  const age = ageSeconds(row.as_of, now);
  const stale = isStale(row, now);
  return (
    <span className="age" title={row.as_of ?? undefined}>
      {stale && <StaleBadge />}
      <span className="age-text">{age == null ? t('noData') : formatAge(age, lang)}</span>
    </span>
  );
}

export function LegendItem({ status }: { status: MarkerStatus }) {
  const { t } = useI18n();
  return (
    <li className="legend-item">
      <span className="swatch" style={{ background: STATUS_COLOURS[status] }} aria-hidden="true" />
      {t(`status.${status}`)}
    </li>
  );
}

export function typeLabel(t: (k: string) => string, type: string): string {
  const k = `type.${type}`;
  const s = t(k);
  return s === k ? type : s;
}
