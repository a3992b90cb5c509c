import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../i18n';
import { useRegionData } from '../data';
import { usePhaseQuery, type LiveQuery } from '../live';
import { ApiError, phase as phaseApi } from '../api';
import { useChange } from '../useChange';
import { formatClock, formatDateTime } from '../lib/age';
import { truncate } from '../lib/cases';
import {
  approvalApplies, buildPhaseBody, choosePhase, mayDeclarePhase, phaseFieldMessage, phaseFormOf, phaseKey, PHASE_FIELDS, PHASES,
  RATIONALE_MAX_BYTES, shownPhase, utf8Bytes, type Phase, type PhaseDeclaration, type PhaseEvent, type PhaseForm, type RegionPhase,
} from '../lib/phase';
import type { Msg } from '../lib/validation';
import { focusFirst, formKeys, SelectField, TextArea, FieldError } from './Fields';
import type { User } from '../types';

/** A phase: colour AND text ("Crisis"). */
export function PhaseBadge({ phase, long }: { phase: Phase; long?: boolean }) {
  const { t } = useI18n();
  return (
    <span className={`badge ph ph-${phase}`} data-phase={phase}>
      <span className="dot" aria-hidden="true" />{t(phaseKey(phase))}{long ? ` · ${t(`phase.long.${phase}`)}` : ''}
    </span>
  );
}

/**
 * The region's phase in a strip under the top bar, for every signed-in user, on every page: "Fase: Crisis ·
 * crisiszorg · goedkeuring overplaatsingen aan · by whom, when, why", the strip coloured by the phase. Follows the
 * `phase` event at once (the event's phase is shown while the declaration is refetched). The button (or `f`) opens
 * the details: the rationale and history for everyone, the form for the region's coordinators. A role that may not
 * read the region (403) sees nothing here.
 */
export function PhaseStrip({ user, open, setOpen }: { user: User; open: boolean; setOpen: (o: boolean) => void }) {
  const { t, lang } = useI18n();
  const { live, cur, forbidden, approval } = useShownPhase();
  if (forbidden) return null;
  // Who, when and why only when they belong to the phase shown (not while a newer one is being fetched).
  const d = live.data && cur && live.data.version === cur.version && live.data.version > 0 ? live.data : null;
  return (
    <div className={`phase-strip ph-strip-${cur?.phase ?? 'unknown'}`} role="status" aria-live="polite">
      <button type="button" className="phase-head" onClick={() => setOpen(true)}
        title={t('phase.open')} aria-keyshortcuts="f" aria-haspopup="dialog" data-testid="phase"
        data-phase={cur?.phase ?? ''} data-approval={approval ? 'on' : 'off'} data-version={cur?.version ?? ''}>
        <span className="phase-label">{t('phase.label')}:</span>
        {cur ? <PhaseBadge phase={cur.phase} /> : <span>{live.error ? '?' : '…'}</span>}
        {cur && <span className="phase-long">{t(`phase.long.${cur.phase}`)}</span>}
        {approval && <span className="badge ph-approval" data-testid="phase-approval">⚠ {t('phase.approvalOn')}</span>}
        {d && (
          <span className="phase-who">
            · {d.declared_by}{d.declared_at ? `, ${formatClock(Date.parse(d.declared_at), lang)}` : ''}
            {d.rationale ? ` · ${truncate(d.rationale, 90)}` : ''}
          </span>
        )}
        <span className="phase-more">{t('phase.more')} <kbd>f</kbd></span>
      </button>
      {open && createPortal(<PhaseDialog user={user} live={live} onClose={() => setOpen(false)} />, document.body)}
    </div>
  );
}

/**
 * The region's phase as a screen shows it: the declaration (refetched on every `phase` event), and the event's
 * phase at once while that runs. `forbidden`: the role may not read the region's phase (403/404).
 */
function useShownPhase() {
  const { regionId, onPhaseEvent } = useRegionData();
  const load = useCallback(() => phaseApi.get(regionId), [regionId]);
  const live = usePhaseQuery(load, (e) => !e.region_id || e.region_id === regionId);
  const [event, setEvent] = useState<PhaseEvent | null>(null);
  useEffect(() => onPhaseEvent((e) => { if (e && (!e.region_id || e.region_id === regionId)) setEvent(e); }), [onPhaseEvent, regionId]);
  const cur = shownPhase(live.data, event);
  const forbidden = live.error instanceof ApiError && (live.error.status === 403 || live.error.status === 404);
  return { live, cur, forbidden, approval: cur?.phase === 'crisis' && cur.transfer_approval };
}

/**
 * The phase on the wall screen, large and read-only (the wall has no top bar): "Fase: Crisis · goedkeuring
 * overplaatsingen aan", live. Nothing for a role that may not read it.
 */
export function WallPhase() {
  const { t } = useI18n();
  const { live, cur, forbidden, approval } = useShownPhase();
  if (forbidden) return null;
  return (
    <span className={`wall-phase ph-strip-${cur?.phase ?? 'unknown'}`} role="status" aria-live="polite"
      data-testid="wall-phase" data-phase={cur?.phase ?? ''} data-approval={approval ? 'on' : 'off'}>
      <span className="phase-label">{t('phase.label')}:</span>{' '}
      {cur ? <PhaseBadge phase={cur.phase} /> : <span>{live.error ? '?' : '…'}</span>}
      {approval && <span className="badge ph-approval">⚠ {t('phase.approvalOn')}</span>}
    </span>
  );
}

/** One declaration: the phase, the approval switch, who and when, and why. */
function Declaration({ d }: { d: PhaseDeclaration }) {
  const { t, lang } = useI18n();
  return (
    <>
      <PhaseBadge phase={d.phase} />{' '}
      {d.phase === 'crisis' && <span className="small">{t(d.transfer_approval ? 'phase.approvalOn' : 'phase.approvalOff')}</span>}{' '}
      <span className="muted small">{t('phase.declaredBy', { who: d.declared_by || '—', time: formatDateTime(d.declared_at, lang) })}</span>
      {d.rationale && <div className="small pre">{d.rationale}</div>}
    </>
  );
}

const HISTORY_SHOWN = 5;

/**
 * The phase's details: the current declaration, the last few before it, and for the region's coordinators and
 * admins a form (phase, rationale, approval switch in a crisis) sent with If-Match; 412 reloads and says so, the
 * server's field errors show next to the fields in Dutch. Esc closes; Ctrl+Enter sends.
 */
function PhaseDialog({ user, live, onClose }: { user: User; live: LiveQuery<RegionPhase>; onClose: () => void }) {
  const { t } = useI18n();
  const { regionId } = useRegionData();
  const x = live.data;
  const may = mayDeclarePhase(user, regionId);
  const history = (x?.history ?? []).filter((h) => h.version !== x?.version).slice(0, HISTORY_SHOWN);
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog phase-dialog" role="dialog" aria-modal="true" aria-labelledby="phase-title" data-testid="phase-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); } }}>
        <h2 id="phase-title">{t('phase.title')}</h2>
        {live.error && <p className="error" role="alert">{t('phase.loadError', { detail: live.error.message })}</p>}
        {!x && !live.error && <p className="muted">{t('loading')}</p>}
        {x && (
          <section aria-label={t('phase.current')} data-testid="phase-current" data-phase={x.phase} data-version={x.version}>
            <h3>{t('phase.current')} <span className="muted small">{t('phase.version', { v: x.version })}</span></h3>
            {x.version === 0 ? <p className="muted">{t('phase.neverDeclared')}</p> : <Declaration d={x} />}
          </section>
        )}
        {x && may && <PhaseFormView x={x} reload={live.reload} onDone={live.set} />}
        {x && !may && <p className="muted small">{t('phase.readOnly')}</p>}
        {x && (
          <section aria-labelledby="phase-history">
            <h3 id="phase-history">{t('phase.history')}</h3>
            {history.length === 0 ? <p className="muted small">{t('phase.historyEmpty')}</p> : (
              <ol className="phase-history" data-testid="phase-history">
                {history.map((h) => <li key={h.version} data-version={h.version}><Declaration d={h} /></li>)}
              </ol>
            )}
          </section>
        )}
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose} autoFocus={!may}>{t('phase.close')} (Esc)</button>
        </div>
      </div>
    </div>
  );
}

function PhaseFormView({ x, reload, onDone }: { x: RegionPhase; reload: () => void; onDone: (v: RegionPhase) => void }) {
  const { t } = useI18n();
  const { regionId } = useRegionData();
  const change = useChange(reload, 'phase.stale');
  const [f, setF] = useState<PhaseForm>(() => phaseFormOf(x));
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const [saved, setSaved] = useState<Phase | null>(null);
  const ref = useRef<HTMLFormElement>(null);
  const msg = (field: string): string | undefined => {
    if (own[field]) return t(own[field].key, own[field].params);
    const raw = change.server[field];
    if (raw == null) return undefined;
    return raw.split('; ').map((m) => { const k = phaseFieldMessage(field, m); return t(k.key, k.params); }).join('; ');
  };
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (change.busy) return;
    const b = buildPhaseBody(f);
    setOwn(b.errors);
    setSaved(null);
    if (!b.value) { focusFirst(ref.current, PHASE_FIELDS, Object.keys(b.errors)); return; }
    const body = b.value;
    // If-Match names the declaration on screen (kept current by the live stream): a newer one meanwhile is a 412.
    const res = await change.run(PHASE_FIELDS, () => phaseApi.put(regionId, x.version, body), (v) => {
      setSaved(v.phase); setF(phaseFormOf(v)); onDone(v);
    });
    if (!res.ok) focusFirst(ref.current, PHASE_FIELDS, res.fields);
  };
  const bytes = utf8Bytes(f.rationale.trim());
  const applies = approvalApplies(f.phase);
  return (
    <form ref={ref} className="phase-form" onSubmit={submit} noValidate aria-labelledby="phase-form-title" data-testid="phase-form"
      onKeyDown={formKeys(ref.current)}>
      <h3 id="phase-form-title">{t('phase.form')}</h3>
      {saved && <p className="ok flash" role="status" data-testid="phase-saved">{t('phase.saved', { phase: t(phaseKey(saved)) })}</p>}
      {change.general && <p className="notice flash" role="alert" data-testid="phase-message">{change.general}</p>}
      <div className="field-row">
        <SelectField name="phase" label={t('phase.field.phase')} value={f.phase} error={msg('phase')} autoFocus
          onChange={(v) => setF(choosePhase(f, v as Phase))}>
          {PHASES.map((p) => <option key={p} value={p}>{t(phaseKey(p))} — {t(`phase.long.${p}`)}</option>)}
        </SelectField>
        <div className={`field checks${msg('transfer_approval') ? ' has-error' : ''}`}>
          <label className="check">
            <input type="checkbox" id="f-transfer_approval" name="transfer_approval" checked={applies && f.transfer_approval} disabled={!applies}
              onChange={(e) => setF({ ...f, transfer_approval: e.target.checked })}
              aria-invalid={msg('transfer_approval') ? true : undefined} aria-describedby="phase-approval-hint" />
            {t('phase.field.approval')}
          </label>
          <span id="phase-approval-hint" className="muted small">{t('phase.approvalHint')}</span>
          <FieldError name="transfer_approval" error={msg('transfer_approval')} />
        </div>
      </div>
      <TextArea name="rationale" label={t('phase.field.rationale')} value={f.rationale} rows={3} className="phase-rationale"
        onChange={(v) => setF({ ...f, rationale: v })} error={msg('rationale')} />
      <span className={`small ${bytes > RATIONALE_MAX_BYTES ? 'error' : 'muted'}`}>{t('phase.bytes', { n: bytes, max: RATIONALE_MAX_BYTES })}</span>
      <div className="form-actions">
        <button type="submit" className={`btn ${f.phase === 'crisis' ? 'danger' : 'primary'}`} disabled={change.busy} data-testid="phase-submit">
          {change.busy ? t('phase.saving') : t('phase.submit')}
        </button>
        <span className="muted small">{t('form.ctrlEnter')}</span>
      </div>
    </form>
  );
}
