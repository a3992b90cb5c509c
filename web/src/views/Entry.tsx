import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { api, ApiError } from '../api';
import { canEditUnit, hasBeds, hasEd } from '../lib/units';
import { BED_FIELDS, formFields, formFromCurrent, localizeServerMessage, mapProblem, validateCapacity, type CapacityForm, type FieldErrors } from '../lib/validation';
import { formatAge, ageSeconds, formatClock, isStale } from '../lib/age';
import { sortUnits } from '../lib/filters';
import { AgeCell, EdBadge, typeLabel } from '../components/Status';
import { href, go } from '../router';
import type { EdStatus, SnapshotUnit, User } from '../types';

export function Entry({ id, user }: { id?: string; user: User }) {
  const { t } = useI18n();
  const { rows, regionId } = useRegionData();
  const now = useNow(10000);
  const [q, setQ] = useState('');
  const editable = useMemo(() => rows.filter((r) => canEditUnit(user, r, regionId))
    .sort((a, b) => a.organization_name.localeCompare(b.organization_name) || sortUnits(a, b)), [rows, user, regionId]);
  const shown = editable.filter((r) => !q || `${r.organization_name} ${r.name} ${r.type} ${r.specialism ?? ''}`.toLowerCase().includes(q.toLowerCase()));
  const row = id ? rows.find((r) => r.unit_id === id) : undefined;

  return (
    <section className="view entry" aria-labelledby="entry-title">
      <div className="view-head"><h1 id="entry-title">{t('entry.title')}</h1></div>
      <div className="entry-layout">
        <nav className="unit-pick" aria-label={t('entry.pick')}>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('entry.pick')} aria-label={t('entry.pick')} />
          {editable.length === 0 && rows.length > 0 && <p className="empty">{t('entry.noUnits')}</p>}
          <ul>
            {shown.map((r) => (
              <li key={r.unit_id} className={`${r.unit_id === id ? 'active' : ''}${isStale(r, now) ? ' is-stale' : ''}`}>
                <a href={href({ name: 'entry', id: r.unit_id })} aria-current={r.unit_id === id ? 'page' : undefined} data-unit={r.unit_id}>
                  <span className="pick-name">{r.organization_name} · {r.name}</span>
                  <span className="pick-meta">{typeLabel(t, r.type)}{r.specialism ? ` · ${r.specialism}` : ''} · <AgeCell row={r} now={now} /></span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="entry-main">
          {!id && <p className="empty">{t('entry.pickHint')}</p>}
          {id && row && !canEditUnit(user, row, regionId) && <p className="error">{t('entry.forbidden')}</p>}
          {id && row && canEditUnit(user, row, regionId) && <CapacityFormView key={row.unit_id} row={row} />}
        </div>
      </div>
    </section>
  );
}

function NumField({ name, label, value, error, onChange, autoFocus }: {
  name: string; label: string; value: string; error?: string; onChange: (v: string) => void; autoFocus?: boolean;
}) {
  const id = `f-${name.replace('.', '-')}`;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="text" inputMode="numeric" autoComplete="off" value={value} autoFocus={autoFocus}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)} />
      {error && <span id={`${id}-err`} className="field-error" role="alert" data-field={name}>{error}</span>}
    </div>
  );
}

function CapacityFormView({ row }: { row: SnapshotUnit }) {
  const { t, lang } = useI18n();
  const { applyRow, offsetMs } = useRegionData();
  const now = useNow(10000);
  const [form, setForm] = useState<CapacityForm>(() => formFromCurrent(row.beds, row.ed));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const type = row.type;
  const fields = formFields(type);
  const vehicles = type === 'ambulance';

  useEffect(() => { setSaved(null); }, [row.unit_id]);

  const msg = (f: string): string | undefined => {
    if (errors[f]) return t(errors[f].key, errors[f].params);
    const raw = serverErrors[f];
    if (raw == null) return undefined;
    const known = localizeServerMessage(raw);
    return known ? t(known.key, known.params) : raw;
  };
  const setBeds = (k: (typeof BED_FIELDS)[number], v: string) => setForm((f) => ({ ...f, beds: { ...f.beds, [k]: v } }));
  const setEd = (k: keyof CapacityForm['ed'], v: string) => setForm((f) => ({ ...f, ed: { ...f.ed, [k]: v } }));

  const focusFirst = (errs: string[]) => {
    const first = fields.find((f) => errs.includes(f));
    if (!first) return;
    const el = formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`);
    el?.focus();
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaved(null); setGeneral([]); setServerErrors({});
    const res = validateCapacity(type, form, Date.now() + offsetMs);
    setErrors(res.errors);
    if (!res.value) { focusFirst(Object.keys(res.errors)); return; }
    setBusy(true);
    try {
      const stored = await api.putCapacity(row.unit_id, res.value);
      const asOf = (stored.as_of as string | undefined) ?? new Date(Date.now() + offsetMs).toISOString();
      applyRow({
        ...row, beds: (stored.beds as SnapshotUnit['beds']) ?? res.value.beds ?? row.beds,
        ed: (stored.ed as SnapshotUnit['ed']) ?? res.value.ed ?? row.ed, as_of: asOf, age_seconds: 0, stale: false,
        version: typeof stored.version === 'number' ? stored.version : row.version,
      });
      setSaved(t('entry.saved', { time: formatClock(Date.now() + offsetMs, lang), version: String(stored.version ?? '—') }));
    } catch (err) {
      if (err instanceof ApiError) {
        const m = mapProblem(err.problem, fields);
        setServerErrors(m.fields);
        const gen = m.general.length || Object.keys(m.fields).length ? m.general : [err.message];
        setGeneral(err.status === 403 ? [t('entry.forbidden')] : gen.map((g) => t('entry.serverError', { detail: g })));
        focusFirst(Object.keys(m.fields));
      } else setGeneral([(err as Error).message]);
    } finally {
      setBusy(false);
    }
  };

  const errorCount = Object.keys(errors).length + Object.keys(serverErrors).length;
  const age = ageSeconds(row.as_of, now);

  return (
    <form ref={formRef} className="cap-form" onSubmit={submit} noValidate data-testid="capacity-form"
      onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); formRef.current?.requestSubmit(); } }}>
      <div className="form-head">
        <h2>{row.organization_name} · {row.name}</h2>
        <span className="muted">{typeLabel(t, type)}{row.specialism ? ` · ${row.specialism}` : ''}</span>
        <span className="muted small">{t('entry.current', { age: age == null ? t('noData') : formatAge(age, lang) })}</span>
        {row.ed && <EdBadge status={row.ed.status} />}
        <a className="small" href={href({ name: 'unit', id: row.unit_id })}>{t('unit.trendLink')} →</a>
      </div>

      {hasBeds(type) && (
        <fieldset>
          <legend>{vehicles ? t('entry.vehicles') : t('entry.beds')}</legend>
          <div className="field-row">
            <NumField name="beds.total" label={t('entry.total')} value={form.beds.total} error={msg('beds.total')} onChange={(v) => setBeds('total', v)} autoFocus />
            <NumField name="beds.staffed" label={t('entry.staffed')} value={form.beds.staffed} error={msg('beds.staffed')} onChange={(v) => setBeds('staffed', v)} />
            <NumField name="beds.occupied" label={t('entry.occupied')} value={form.beds.occupied} error={msg('beds.occupied')} onChange={(v) => setBeds('occupied', v)} />
            <NumField name="beds.available" label={t('entry.available')} value={form.beds.available} error={msg('beds.available')} onChange={(v) => setBeds('available', v)} />
            <button type="button" className="link-btn compute" onClick={() => {
              const s = parseInt(form.beds.staffed, 10), o = parseInt(form.beds.occupied, 10);
              if (Number.isFinite(s) && Number.isFinite(o)) setBeds('available', String(Math.max(0, s - o)));
            }}>{t('entry.compute')}</button>
          </div>
        </fieldset>
      )}

      {hasEd(type) && (
        <fieldset>
          <legend>{type === 'hap' ? t('entry.queue') : t('entry.ed')}</legend>
          <div className={`field status-field${msg('ed.status') ? ' has-error' : ''}`} role="radiogroup" aria-label={t('entry.status')}>
            <span className="field-label">{t('entry.status')}</span>
            <div className="radios">
              {(['open', 'threatened', 'closed'] as EdStatus[]).map((s) => (
                <label key={s} className={`radio ed-${s}${form.ed.status === s ? ' checked' : ''}`}>
                  <input type="radio" name="ed.status" value={s} checked={form.ed.status === s} onChange={() => setEd('status', s)} />
                  <span className="dot" aria-hidden="true" />{t(`ed.${s}`)}
                </label>
              ))}
            </div>
            {msg('ed.status') && <span className="field-error" role="alert" data-field="ed.status">{msg('ed.status')}</span>}
          </div>
          <div className="field-row">
            <NumField name="ed.waiting" label={t('entry.waiting')} value={form.ed.waiting} error={msg('ed.waiting')} onChange={(v) => setEd('waiting', v)} autoFocus={!hasBeds(type)} />
            <NumField name="ed.in_treatment" label={t('entry.inTreatment')} value={form.ed.in_treatment} error={msg('ed.in_treatment')} onChange={(v) => setEd('in_treatment', v)} />
            <NumField name="ed.boarding" label={t('entry.boarding')} value={form.ed.boarding} error={msg('ed.boarding')} onChange={(v) => setEd('boarding', v)} />
            <NumField name="ed.crowding" label={t('entry.crowding')} value={form.ed.crowding} error={msg('ed.crowding')} onChange={(v) => setEd('crowding', v)} />
          </div>
        </fieldset>
      )}

      <fieldset>
        <div className="field-row">
          <div className={`field${msg('as_of') ? ' has-error' : ''}`}>
            <label htmlFor="f-as_of">{t('entry.asOf')}</label>
            <input id="f-as_of" name="as_of" type="datetime-local" value={form.as_of} onChange={(e) => setForm((f) => ({ ...f, as_of: e.target.value }))}
              aria-invalid={msg('as_of') ? true : undefined} />
            {msg('as_of') && <span className="field-error" role="alert" data-field="as_of">{msg('as_of')}</span>}
          </div>
          <div className={`field grow${msg('note') ? ' has-error' : ''}`}>
            <label htmlFor="f-note">{t('entry.note')}</label>
            <input id="f-note" name="note" type="text" maxLength={2000} value={form.note} onChange={(e) => setForm((f) => ({ ...f, note: e.target.value }))} />
            {msg('note') && <span className="field-error" role="alert" data-field="note">{msg('note')}</span>}
          </div>
        </div>
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={busy}>{busy ? t('entry.saving') : t('entry.submit')}</button>
        <span className="muted small">Ctrl+Enter</span>
        {errorCount > 0 && general.length === 0 && <span className="error" role="alert">{t('entry.fixErrors')}</span>}
        {general.map((g, i) => <span key={i} className="error" role="alert" data-testid="form-general-error">{g}</span>)}
        {saved && <span className="ok" role="status" data-testid="saved">{saved}</span>}
        <button type="button" className="link-btn" onClick={() => go({ name: 'overview' })}>{t('nav.overview')}</button>
      </div>
    </form>
  );
}
