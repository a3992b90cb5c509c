import { useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { ApiError, transfers } from '../api';
import { ageSeconds, formatAge, isStale } from '../lib/age';
import { bsnHint, mapFieldErrors, normalizeBsn } from '../lib/cases';
import { buildNewTransfer, CARE_TYPES, emptyTransferForm, mayCreateTransfer, TRANSFER_FIELDS, type TransferForm } from '../lib/transfers';
import type { Msg } from '../lib/validation';
import { FieldError, focusFirst, formKeys, SelectField, TextArea, TextField, useFieldMessages } from '../components/Fields';
import { OrgSelect } from '../components/OrgPicker';
import { typeLabel } from '../components/Status';
import { setFlash } from '../flash';
import { go, href } from '../router';
import type { User } from '../types';

const CARE = new Set<string>(CARE_TYPES);

/**
 * A new transfer: from a unit of the sending organisation (the user's own for an organisation's users) to a
 * unit of the care type needed at the receiving organisation, with the reason, optionally the planned time,
 * the worklist case and the patient. Ctrl+Enter sends; the server's field errors are shown next to the fields.
 */
export function TransferNew({ user }: { user: User }) {
  const { t } = useI18n();
  const { regionId } = useRegionData();
  const [form, setForm] = useState<TransferForm>(() => emptyTransferForm(user));
  const [errors, setErrors] = useState<Record<string, Msg>>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const msg = useFieldMessages(errors, server);
  const ownOrg = (user.role === 'org-user' || user.role === 'org-capacity-manager') && !!user.organization_id;

  if (!mayCreateTransfer(user)) return <section className="view"><p className="empty">{t('tr.noCreate')}</p></section>;

  const set = (patch: Partial<TransferForm>) => setForm((f) => ({ ...f, ...patch }));
  const setPatient = (k: keyof TransferForm['patient'], v: string) => setForm((f) => ({ ...f, patient: { ...f.patient, [k]: v } }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setGeneral([]); setServer({});
    const built = buildNewTransfer(form, regionId);
    setErrors(built.errors);
    if (!built.value) { focusFirst(ref.current, TRANSFER_FIELDS, Object.keys(built.errors)); return; }
    setBusy(true);
    try {
      const x = await transfers.create(built.value);
      setFlash(t('tr.created'), 'ok');
      go({ name: 'transfer', id: x.id });
    } catch (err) {
      if (err instanceof ApiError) {
        const m = mapFieldErrors(err.problem, TRANSFER_FIELDS);
        setServer(m.fields);
        setGeneral(err.status === 403 ? [t('err.forbidden')] : m.general.length ? m.general : Object.keys(m.fields).length ? [] : [err.message]);
        focusFirst(ref.current, TRANSFER_FIELDS, Object.keys(m.fields));
      } else setGeneral([(err as Error).message]);
    } finally {
      setBusy(false);
    }
  };

  const hint = form.withPatient ? bsnHint(form.patient.bsn) : null;
  const count = Object.keys(errors).length + Object.keys(server).length;

  return (
    <section className="view transfer-new" aria-labelledby="trn-title">
      <div className="view-head">
        <h1 id="trn-title">{t('tr.newTitle')}</h1>
        <a href={href({ name: 'transfers' })}>{t('tr.back')}</a>
      </div>
      <form ref={ref} className="cap-form case-form" onSubmit={submit} noValidate data-testid="transfer-form"
        onKeyDown={(e) => formKeys(ref.current)(e)}>
        <fieldset>
          <legend>{t('tr.fromLegend')}</legend>
          <div className="field-row">
            <OrgSelect name="from_organization_id" label={t('tr.fromOrg')} value={form.from_organization_id} autoFocus={!ownOrg} disabled={ownOrg}
              onChange={(v) => set({ from_organization_id: v, from_unit_id: '' })} error={msg('from_organization_id')} />
            <UnitPick name="from_unit_id" label={t('tr.fromUnit')} organizationId={form.from_organization_id} value={form.from_unit_id}
              onChange={(v) => set({ from_unit_id: v })} error={msg('from_unit_id')} autoFocus={ownOrg} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('tr.toLegend')}</legend>
          <div className="field-row">
            <SelectField name="care_type" label={t('tr.careType')} value={form.care_type}
              onChange={(v) => set({ care_type: v, to_unit_id: '' })} error={msg('care_type')}>
              <option value="">{t('intake.choose')}</option>
              {CARE_TYPES.map((c) => <option key={c} value={c}>{typeLabel(t, c)}</option>)}
            </SelectField>
            <OrgSelect name="to_organization_id" label={t('tr.toOrg')} value={form.to_organization_id} free
              onChange={(v) => set({ to_organization_id: v, to_unit_id: '' })} error={msg('to_organization_id')} />
            <UnitPick name="to_unit_id" label={t('tr.toUnit')} organizationId={form.to_organization_id} careType={form.care_type}
              value={form.to_unit_id} error={msg('to_unit_id')}
              onChange={(v) => set({ to_unit_id: v })} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('tr.whyLegend')}</legend>
          <div className="field-row">
            <TextArea name="reason" label={t('tr.reason')} className="grow" rows={2} value={form.reason} maxLength={2000}
              onChange={(v) => set({ reason: v })} error={msg('reason')} />
            <TextField name="planned_at" label={t('tr.plannedAt')} type="datetime-local" value={form.planned_at}
              onChange={(v) => set({ planned_at: v })} error={msg('planned_at')} />
            <TextField name="case_id" label={t('tr.caseId')} value={form.case_id} className="narrow"
              onChange={(v) => set({ case_id: v })} error={msg('case_id')} />
          </div>
        </fieldset>
        <fieldset className={msg('patient') ? 'has-error' : undefined}>
          <legend>
            <label className="check legend-check">
              <input type="checkbox" name="withPatient" checked={form.withPatient} onChange={(e) => set({ withPatient: e.target.checked })} />
              {t('tr.addPatient')}
            </label>
          </legend>
          <FieldError name="patient" error={msg('patient')} />
          {form.withPatient && (
            <>
              <p className="muted small">{t('tr.patientNote')}</p>
              <div className="field-row">
                <TextField name="patient.bsn" label={t('patient.bsn')} value={form.patient.bsn} inputMode="numeric" className="narrow bsn-field" autoFocus
                  onChange={(v) => setPatient('bsn', v)} error={msg('patient.bsn')}
                  hint={hint ? <span className="hint warn" data-testid="bsn-hint">{t(`bsn.${hint}`)}</span>
                    : form.patient.bsn && /^\d{9}$/.test(normalizeBsn(form.patient.bsn)) ? <span className="hint ok-text">{t('bsn.ok')}</span> : null} />
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
            </>
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy} data-testid="transfer-submit">{busy ? t('intake.saving') : t('tr.submit')}</button>
          <span className="muted small">{t('form.ctrlEnter')}</span>
          {count > 0 && general.length === 0 && <span className="error" role="alert">{t('entry.fixErrors')}</span>}
          {general.map((g, i) => <span key={i} className="error" role="alert" data-testid="form-general-error">{g}</span>)}
          <a href={href({ name: 'transfers' })}>{t('form.cancel')}</a>
        </div>
      </form>
    </section>
  );
}

/** A unit with beds of the chosen organisation (of the care type, when one is chosen), with its free beds and their age. */
function UnitPick({ name, label, organizationId, careType, value, onChange, error, autoFocus }: {
  name: string; label: string; organizationId: string; careType?: string; value: string; onChange: (id: string) => void; error?: string; autoFocus?: boolean;
}) {
  const { t, lang } = useI18n();
  const { detail, rows } = useRegionData();
  const now = useNow(30000);
  const units = useMemo(() => (detail?.units ?? []).filter((u) => u.organization_id === organizationId && CARE.has(u.type)
    && (!careType || u.type === careType)), [detail, organizationId, careType]);
  return (
    <SelectField name={name} label={label} value={value} onChange={onChange} error={error} disabled={!organizationId} autoFocus={autoFocus}>
      <option value="">{organizationId && !units.length ? t('tr.noUnits') : t('intake.choose')}</option>
      {units.map((u) => {
        const r = rows.find((x) => x.unit_id === u.id);
        const age = r ? ageSeconds(r.as_of, now) : null;
        const info = r?.beds ? `${t('ho.free', { n: r.beds.available })}, ${age == null ? t('noData') : formatAge(age, lang)}${isStale(r, now) ? `, ${t('stale')}` : ''}` : '';
        return <option key={u.id} value={u.id}>{u.name} · {typeLabel(t, u.type)}{info ? ` (${info})` : ''}</option>;
      })}
    </SelectField>
  );
}
