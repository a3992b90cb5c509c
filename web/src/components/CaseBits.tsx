import { useI18n } from '../i18n';
import { formatAge, formatClock } from '../lib/age';
import { countdown, formatTarget, impliedHandoverState, isOpenForZcc, targetStatus } from '../lib/cases';
import { useRegionData } from '../data';
import { URGENCIES, type CaseState, type HandoverState, type Urgency } from '../types';

/** Urgency: colour AND its code, the meaning in the title; untriaged says so. */
export function UrgencyBadge({ urgency, long }: { urgency: Urgency | null | undefined; long?: boolean }) {
  const { t } = useI18n();
  if (!urgency) return <span className="badge urg urg-none" data-urgency="">{t('urgency.none')}</span>;
  return (
    <span className={`badge urg urg-${urgency}`} data-urgency={urgency} title={t(`urgency.${urgency}.long`)}>
      {long ? t(`urgency.${urgency}.long`) : urgency}
    </span>
  );
}

export function StateBadge({ state }: { state: CaseState }) {
  const { t } = useI18n();
  return <span className={`badge cs cs-${state}`} data-state={state}>{t(`state.${state}`)}</span>;
}

export function HandoverBadge({ state }: { state: HandoverState | null | undefined }) {
  const { t } = useI18n();
  if (!state) return <span className="muted">—</span>;
  return <span className={`badge hs hs-${state}`} data-handover={state}>{t(`handover.${state}`)}</span>;
}

/** The handover state the case's state implies: the worklist carries no handovers. */
export function ImpliedHandover({ state }: { state: CaseState }) {
  return <HandoverBadge state={impliedHandoverState(state)} />;
}

/** Time left until the case's target, or how late, in words ("nog 12 min" / "3 min te laat"), live. */
export function TargetTimer({ c, now }: { c: { state: CaseState; due_at: string | null }; now: number }) {
  const { t, lang } = useI18n();
  const s = targetStatus(c, now);
  if (s.kind === 'none') return <span className="muted timer" data-late="0">{isOpenForZcc(c.state) && !c.due_at ? t('timer.none') : '—'}</span>;
  const soon = s.kind === 'left' && s.seconds < 5 * 60;
  return (
    <span className={`timer${s.kind === 'late' ? ' late' : soon ? ' soon' : ''}`} data-late={s.kind === 'late' ? '1' : '0'}
      title={c.due_at ? formatClock(Date.parse(c.due_at), lang) : undefined}>
      {s.kind === 'late' && <span aria-hidden="true">⚠ </span>}{formatTarget(s, lang)}
    </span>
  );
}

/** A handover's answer deadline while it waits for the partner: "nog 2 min" / "1 min te laat". */
export function AnswerTimer({ due, now }: { due: string; now: number }) {
  const { lang } = useI18n();
  const s = countdown(due, now);
  if (s.kind === 'none') return null;
  return (
    <span className={`timer${s.kind === 'late' ? ' late' : ''}`} data-late={s.kind === 'late' ? '1' : '0'} title={formatClock(Date.parse(due), lang)}>
      {s.kind === 'late' && <span aria-hidden="true">⚠ </span>}{formatTarget(s, lang)}
    </span>
  );
}

/** How long the patient has waited since the request came in, live; a closed case's clock stops at its closing. */
export function WaitTime({ since, now, until }: { since: string; now: number; until?: string | null }) {
  const { lang } = useI18n();
  const t0 = Date.parse(since);
  const end = until ? Date.parse(until) : NaN;
  const to = Number.isNaN(end) ? now : end;
  return <span className="wait" title={formatClock(t0, lang)}>{Number.isNaN(t0) ? '—' : formatAge(Math.max(0, (to - t0) / 1000), lang)}</span>;
}

export function RepeatFlag() {
  const { t } = useI18n();
  return <span className="badge repeat" data-repeat="1" title={t('repeat.title')}>↻ {t('repeat')}</span>;
}

/** "bijgewerkt 03:12:05 (8 s)": when the shown data was fetched, so its age is always visible. */
export function FetchedAt({ at, now }: { at: number | null; now: number }) {
  const { t, lang } = useI18n();
  const { offsetMs } = useRegionData();
  if (at == null) return null;
  const when = at + offsetMs; // browser clock to the server's, as `now`
  return (
    <span className="muted small fetched" data-testid="fetched-at">
      {t('data.fetched', { time: formatClock(when, lang), age: formatAge(Math.max(0, (now - when) / 1000), lang) })}
    </span>
  );
}

/** U0–U5 as radio buttons (arrow keys move, as radios do), each coloured and named; optionally "not yet". */
export function UrgencyRadios({ name = 'urgency', value, onChange, error, allowNone, autoFocus }: {
  name?: string; value: Urgency | ''; onChange: (u: Urgency | '') => void; error?: string; allowNone?: boolean; autoFocus?: boolean;
}) {
  const { t } = useI18n();
  const options: (Urgency | '')[] = [...(allowNone ? [''] as const : []), ...URGENCIES];
  return (
    <div className={`field${error ? ' has-error' : ''}`} role="radiogroup" aria-labelledby={`${name}-label`} id={`f-${name}`}>
      <span className="field-label" id={`${name}-label`}>{t('intake.urgency')}</span>
      <div className="radios urg-radios">
        {options.map((u, i) => (
          <label key={u || 'none'} className={`radio urg-radio urg-opt-${u || 'none'}${value === u ? ' checked' : ''}`} title={u ? t(`urgency.${u}.long`) : undefined}>
            <input type="radio" name={name} value={u} checked={value === u} onChange={() => onChange(u)}
              autoFocus={autoFocus && (value === u || (!value && i === 0))} />
            {u ? <><b>{u}</b> <span className="urg-word">{t(`urgency.${u}.short`)}</span></> : t('intake.noUrgency')}
          </label>
        ))}
      </div>
      {error && <span className="field-error" role="alert" data-field="urgency">{error}</span>}
    </div>
  );
}
