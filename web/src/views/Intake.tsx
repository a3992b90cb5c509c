import { useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useRegionData } from '../data';
import { ApiError, cases } from '../api';
import { bsnHint, canWorkCases, mapFieldErrors, normalizeBsn } from '../lib/cases';
import { buildNewCase, emptyIntake, INTAKE_FIELDS, type IntakeForm } from '../lib/intake';
import type { Msg } from '../lib/validation';
import { ContextFields, FieldError, focusFirst, formKeys, SelectField, TextArea, TextField, useFieldMessages } from '../components/Fields';
import { ComplaintPicker } from '../components/ComplaintPicker';
import { UrgencyRadios } from '../components/CaseBits';
import { ContactHistoryPanel } from '../components/ContactHistory';
import { orgTypeOrder } from '../components/OrgPicker';
import { setFlash } from '../flash';
import { go, href } from '../router';
import { CHANNELS, LEGAL_BASES, type Channel, type LegalBasis, type User } from '../types';

/**
 * Intake of a care request, keyboard first: channel and summary are all it needs (Ctrl+Enter saves), the
 * rest is optional: caller, the patient (with a legal basis; the BSN gets an 11-proef hint), urgency and
 * entry complaint (then it is triaged at once), the situation. On success the case opens.
 */
export function Intake({ user }: { user: User }) {
  const { t } = useI18n();
  const { regionId, detail } = useRegionData();
  const [form, setForm] = useState<IntakeForm>(emptyIntake);
  const [errors, setErrors] = useState<Record<string, Msg>>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const msg = useFieldMessages(errors, server);
  const orgs = useMemo(() => [...(detail?.organizations ?? [])]
    .sort((a, b) => orgTypeOrder(a.type) - orgTypeOrder(b.type) || a.name.localeCompare(b.name)), [detail]);

  if (!canWorkCases(user.role)) return <section className="view"><p className="empty">{t('worklist.noAccess')}</p></section>;

  const set = (patch: Partial<IntakeForm>) => setForm((f) => ({ ...f, ...patch }));
  const setPatient = (k: keyof IntakeForm['patient'], v: string) => setForm((f) => ({ ...f, patient: { ...f.patient, [k]: v } }));
  const setCaller = (k: keyof IntakeForm['caller'], v: string) => setForm((f) => ({ ...f, caller: { ...f.caller, [k]: v } }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setGeneral([]); setServer({});
    const built = buildNewCase(form, regionId);
    setErrors(built.errors);
    if (!built.value) { focusFirst(ref.current, INTAKE_FIELDS, Object.keys(built.errors)); return; }
    setBusy(true);
    try {
      const c = await cases.create(built.value);
      setFlash(c.linked ? t('intake.linked') : t('intake.created'), c.linked ? 'notice' : 'ok');
      go({ name: 'case', id: c.id });
    } catch (err) {
      if (err instanceof ApiError) {
        const m = mapFieldErrors(err.problem, INTAKE_FIELDS);
        setServer(m.fields);
        setGeneral(err.status === 403 ? [t('err.forbidden')] : m.general.length ? m.general : Object.keys(m.fields).length ? [] : [err.message]);
        focusFirst(ref.current, INTAKE_FIELDS, Object.keys(m.fields));
      } else setGeneral([(err as Error).message]);
    } finally {
      setBusy(false);
    }
  };

  const hint = form.withPatient ? bsnHint(form.patient.bsn) : null;
  const bsnOk = form.withPatient && /^\d{9}$/.test(normalizeBsn(form.patient.bsn)) && !hint;
  const count = Object.keys(errors).length + Object.keys(server).length;

  return (
    <section className="view intake" aria-labelledby="intake-title">
      <div className="view-head">
        <h1 id="intake-title">{t('intake.title')}</h1>
        <a href={href({ name: 'worklist' })}>{t('case.back')}</a>
      </div>
      <form ref={ref} className="cap-form case-form" onSubmit={submit} noValidate data-testid="intake-form"
        onKeyDown={(e) => formKeys(ref.current)(e)}>
        <fieldset>
          <legend>{t('intake.request')}</legend>
          <div className="field-row">
            <SelectField name="channel" label={t('intake.channel')} value={form.channel} autoFocus
              onChange={(v) => set({ channel: v as Channel | '' })} error={msg('channel')}>
              <option value="">{t('intake.choose')}</option>
              {CHANNELS.map((c) => <option key={c} value={c}>{t(`channel.${c}`)}</option>)}
            </SelectField>
            <SelectField name="requesting_organization_id" label={t('intake.requester')} value={form.requesting_organization_id}
              onChange={(v) => {
                const org = orgs.find((o) => o.id === v);
                set({ requesting_organization_id: v, ...(org && !form.subregion_id ? { subregion_id: org.subregion_id } : {}) });
              }} error={msg('requesting_organization_id')}>
              <option value="">{t('intake.none')}</option>
              {orgs.map((o) => <option key={o.id} value={o.id}>{o.name} ({t(`org.${o.type}`)})</option>)}
            </SelectField>
            <SelectField name="subregion_id" label={t('intake.subregion')} value={form.subregion_id}
              onChange={(v) => set({ subregion_id: v })} error={msg('subregion_id')}>
              <option value="">{t('intake.none')}</option>
              {(detail?.region.subregions ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </SelectField>
            <TextField name="received_at" label={t('intake.receivedAt')} type="datetime-local" value={form.received_at}
              onChange={(v) => set({ received_at: v })} error={msg('received_at')} />
          </div>
          <div className="field-row">
            <TextArea name="summary" label={t('intake.summary')} className="grow" rows={3} value={form.summary} maxLength={4000}
              onChange={(v) => set({ summary: v })} error={msg('summary')} />
          </div>
          <div className="field-row">
            <TextField name="caller.name" label={t('intake.callerName')} value={form.caller.name} onChange={(v) => setCaller('name', v)} error={msg('caller.name')} />
            <TextField name="caller.role" label={t('intake.callerRole')} value={form.caller.role} onChange={(v) => setCaller('role', v)} error={msg('caller.role')} />
            <TextField name="caller.phone" label={t('intake.callerPhone')} type="tel" value={form.caller.phone} onChange={(v) => setCaller('phone', v)} error={msg('caller.phone')} />
          </div>
        </fieldset>

        <fieldset className={msg('patient') ? 'has-error' : undefined}>
          <legend>
            <label className="check legend-check">
              <input type="checkbox" name="withPatient" checked={form.withPatient} onChange={(e) => set({ withPatient: e.target.checked })} />
              {t('intake.addPatient')}
            </label>
          </legend>
          <FieldError name="patient" error={msg('patient')} />
          {form.withPatient && (
            <>
              <p className="muted small">{t('intake.patientNote')}</p>
              <div className="field-row">
                <TextField name="patient.bsn" label={t('patient.bsn')} value={form.patient.bsn} inputMode="numeric" className="narrow bsn-field" autoFocus
                  onChange={(v) => setPatient('bsn', v)} error={msg('patient.bsn')}
                  hint={hint ? <span className="hint warn" data-testid="bsn-hint">{t(`bsn.${hint}`)}</span>
                    : bsnOk ? <span className="hint ok-text">{t('bsn.ok')}</span> : null} />
                <TextField name="patient.name" label={t('patient.name')} value={form.patient.name} onChange={(v) => setPatient('name', v)} error={msg('patient.name')} />
                <TextField name="patient.birth_date" label={t('patient.birth_date')} type="date" value={form.patient.birth_date}
                  onChange={(v) => setPatient('birth_date', v)} error={msg('patient.birth_date')} />
                <TextField name="patient.gp" label={t('patient.gp')} value={form.patient.gp} onChange={(v) => setPatient('gp', v)} error={msg('patient.gp')} />
              </div>
              <div className="field-row">
                <TextArea name="patient.address" label={t('patient.address')} value={form.patient.address} onChange={(v) => setPatient('address', v)} error={msg('patient.address')} />
                <TextArea name="patient.summary" label={t('patient.summary')} className="grow" value={form.patient.summary} onChange={(v) => setPatient('summary', v)} error={msg('patient.summary')} />
                <TextArea name="patient.medication" label={t('patient.medication')} value={form.patient.medication} onChange={(v) => setPatient('medication', v)} error={msg('patient.medication')} />
                <TextArea name="patient.allergies" label={t('patient.allergies')} value={form.patient.allergies} onChange={(v) => setPatient('allergies', v)} error={msg('patient.allergies')} />
              </div>
              <div className={`field${msg('legal_basis') ? ' has-error' : ''}`} role="radiogroup" aria-labelledby="legal-label" id="f-legal_basis">
                <span className="field-label" id="legal-label">{t('intake.legal')}</span>
                <div className="radios">
                  {LEGAL_BASES.map((b) => (
                    <label key={b} className={`radio${form.legal_basis === b ? ' checked' : ''}`}>
                      <input type="radio" name="legal_basis" value={b} checked={form.legal_basis === b} onChange={() => set({ legal_basis: b as LegalBasis })} />
                      {t(`legal.${b}`)}
                    </label>
                  ))}
                </div>
                <FieldError name="legal_basis" error={msg('legal_basis')} />
              </div>
            </>
          )}
        </fieldset>
        {/* The patient's contacts of the last 72 hours as soon as the BSN passes the 11-proef (a pause in typing first). */}
        {user.role === 'zcc-coordinator' && <ContactHistoryPanel bsn={bsnOk ? normalizeBsn(form.patient.bsn) : null} delayMs={500} />}

        <fieldset>
          <legend>{t('intake.triage')}</legend>
          <div className="field-row">
            <UrgencyRadios value={form.urgency} onChange={(u) => set({ urgency: u })} error={msg('urgency')} allowNone />
            <ComplaintPicker id="f-complaint" value={form.complaint} onChange={(c) => set({ complaint: c })} error={msg('complaint')} />
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('context.title')}</legend>
          <ContextFields value={form.context} onChange={(c) => set({ context: c })} msg={msg} />
        </fieldset>

        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy} data-testid="intake-submit">{busy ? t('intake.saving') : t('intake.submit')}</button>
          <span className="muted small">{t('form.ctrlEnter')}</span>
          {count > 0 && general.length === 0 && <span className="error" role="alert">{t('entry.fixErrors')}</span>}
          {general.map((g, i) => <span key={i} className="error" role="alert" data-testid="form-general-error">{g}</span>)}
          <a href={href({ name: 'worklist' })}>{t('form.cancel')}</a>
        </div>
      </form>
    </section>
  );
}
