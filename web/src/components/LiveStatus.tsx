import { useI18n } from '../i18n';
import { useRegionData, useNow } from '../data';
import { formatClock } from '../lib/age';

/** Connection state and the time of the last update, always visible. */
export function LiveStatus({ large }: { large?: boolean }) {
  const { t, lang } = useI18n();
  const { conn, lastUpdateAt, offsetMs } = useRegionData();
  useNow(1000);
  const label = conn === 'live' ? t('live.live') : t(`live.${conn}`);
  return (
    <div className={`live live-${conn}${large ? ' live-lg' : ''}`} role="status" aria-live="polite" title={t('live.title')} data-conn={conn}>
      <span className="dot" aria-hidden="true" />
      <span className="live-label">{label}</span>
      {lastUpdateAt != null && (
        <span className="live-time">· {t('live.updated', { time: formatClock(lastUpdateAt + offsetMs, lang) })}</span>
      )}
    </div>
  );
}
