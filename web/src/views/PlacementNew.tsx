import { useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useRegionData } from '../data';
import { ApiError, placements } from '../api';
import { mapFieldErrors } from '../lib/cases';
import {
  buildNewPlacement, careTypeKey, emptyPlacementForm, mayCreatePlacement, MOBILITIES, mobilityKey, PLACEMENT_CARE_TYPES,
  PLACEMENT_FIELDS, type Mobility, type PlacementForm,
} from '../lib/placements';
import type { Msg } from '../lib/validation';
import { FieldError, focusFirst, formKeys, SelectField, TextArea, TextField, useFieldMessages } from '../components/Fields';
import { OrgSelect } from '../components/OrgPicker';
import { typeLabel } from '../components/Status';
import { setFlash } from '../flash';
import { go, href } from '../router';
import type { User } from '../types';

const HOSPITAL_BEDS = new Set(['ic', 'ward']);

/**
 * A new placement: the hospital unit the patient lies in (the user's own organisation for its users), the care type
 * needed, the care profile and needs, from when the hospital bed is no longer needed, the preferred place and
 * optionally the patient. Ctrl+Enter sends; the server's field errors are shown next to the fields.
 */
export function PlacementNew({ user }: { user: User }) {
  const { t } = useI18n();
  const { regionId, detail } = useRegionData();
  const [form, setForm] = useState<PlacementForm>(() => emptyPlacementForm(user));
  const [errors, setErrors] = useState<Record<string, Msg>>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const msg = useFieldMessages(errors, server);
  const ownOrg = (user.role === 'org-user' || user.role === 'org-capacity-manager') && !!user.organization_id;
  const units = useMemo(() => (detail?.units ?? []).filter((u) => u.organization_id === form.from_organization_id
    && HOSPITAL_BEDS.has(u.type)), [detail, form.from_organization_id]);

  if (!mayCreatePlacement(user)) return <section className="view"><p className="empty">{t('pl.noCreate')}</p></section>;

  const set = (patch: Partial<PlacementForm>) => setForm((f) => ({ ...f, ...patch }));
  const setPatient = (k: keyof PlacementForm['patient'], v: string) => setForm((f) => ({ ...f, patient: { ...f.patient, [k]: v } }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setGeneral([]); setServer({});
    const built = buildNewPlacement(form, regionId);
    setErrors(built.errors);
    if (!built.value) { focusFirst(ref.current, PLACEMENT_FIELDS, Object.keys(built.errors)); return; }
    setBusy(true);
    try {
      await placements.create(built.value);
      setFlash(t('pl.created'), 'ok');
      go({ name: 'placements' });
    } catch (err) {
      if (err instanceof ApiError) {
        const m = mapFieldErrors(err.problem, PLACEMENT_FIELDS);
        setServer(m.fields);
        setGeneral(err.status === 403 ? [t('err.forbidden')] : m.general.length ? m.general : Object.keys(m.fields).length ? [] : [err.message]);
        focusFirst(ref.current, PLACEMENT_FIELDS, Object.keys(m.fields));
      } else setGeneral([(err as Error).message]);
    } finally {
      setBusy(false);
    }
  };
  const count = Object.keys(errors).length + Object.keys(server).length;
  const flag = (k: 'dementia' | 'isolation' | 'oxygen') => (
    <label className="check">
      <input type="checkbox" name={`profile.${k}`} checked={form[k]} onChange={(e) => set({ [k]: e.target.checked })} />
      {t(`pl.need.${k}`)}
    </label>
  );

  return (
    <section className="view transfer-new placement-new" aria-labelledby="pln-title">
      <div className="view-head">
        <h1 id="pln-title">{t('pl.newTitle')}</h1>
        <a href={href({ name: 'placements' })}>{t('pl.back')}</a>
      </div>
      <form ref={ref} className="cap-form case-form" onSubmit={submit} noValidate data-testid="placement-form"
        onKeyDown={(e) => formKeys(ref.current)(e)}>
        <fieldset>
          <legend>{t('pl.fromLegend')}</legend>
          <div className="field-row">
            <OrgSelect name="from_organization_id" label={t('tr.fromOrg')} value={form.from_organization_id} autoFocus={!ownOrg} disabled={ownOrg}
              onChange={(v) => set({ from_organization_id: v, from_unit_id: '' })} error={msg('from_organization_id')} />
            <SelectField name="from_unit_id" label={t('tr.fromUnit')} value={form.from_unit_id} autoFocus={ownOrg}
              disabled={!form.from_organization_id} onChange={(v) => set({ from_unit_id: v })} error={msg('from_unit_id')}>
              <option value="">{t('intake.choose')}</option>
              {units.map((u) => <option key={u.id} value={u.id}>{u.name} · {typeLabel(t, u.type)}</option>)}
            </SelectField>
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('pl.careLegend')}</legend>
          <div className="field-row">
            <SelectField name="care_type" label={t('pl.col.careType')} value={form.care_type} onChange={(v) => set({ care_type: v })} error={msg('care_type')}>
              <option value="">{t('intake.choose')}</option>
              {PLACEMENT_CARE_TYPES.map((c) => <option key={c} value={c}>{t(careTypeKey(c))}</option>)}
            </SelectField>
            <TextField name="earliest_date" label={t('pl.earliest')} type="date" value={form.earliest_date}
              onChange={(v) => set({ earliest_date: v })} error={msg('earliest_date')} />
          </div>
          <div className="field-row">
            {flag('dementia')}{flag('isolation')}{flag('oxygen')}
            <TextField name="profile.weight_kg" label={t('pl.weight')} inputMode="numeric" className="narrow" value={form.weight_kg}
              onChange={(v) => set({ weight_kg: v })} error={msg('profile.weight_kg')} />
            <SelectField name="profile.mobility" label={t('pl.mobility')} value={form.mobility}
              onChange={(v) => set({ mobility: v as Mobility })} error={msg('profile.mobility')}>
              {MOBILITIES.map((m) => <option key={m} value={m}>{t(mobilityKey(m))}</option>)}
            </SelectField>
            <TextField name="profile.age" label={t('pl.age')} inputMode="numeric" className="narrow" value={form.age}
              onChange={(v) => set({ age: v })} error={msg('profile.age')} />
          </div>
          <div className="field-row">
            <TextArea name="needs" label={t('pl.col.needs')} className="grow" rows={2} value={form.needs} maxLength={2000}
              onChange={(v) => set({ needs: v })} error={msg('needs')} />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('pl.placeLegend')}</legend>
          <div className="field-row">
            <TextField name="preferred_place" label={t('pl.place')} value={form.preferred_place}
              onChange={(v) => set({ preferred_place: v })} error={msg('preferred_place')} />
            <TextField name="preferred_lat" label={t('pl.lat')} inputMode="decimal" className="narrow" value={form.preferred_lat}
              onChange={(v) => set({ preferred_lat: v })} error={msg('preferred_lat')} />
            <TextField name="preferred_lon" label={t('pl.lon')} inputMode="decimal" className="narrow" value={form.preferred_lon}
              onChange={(v) => set({ preferred_lon: v })} error={msg('preferred_lon')} />
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
            <div className="field-row">
              <TextField name="patient.bsn" label={t('patient.bsn')} value={form.patient.bsn} inputMode="numeric" className="narrow bsn-field" autoFocus
                onChange={(v) => setPatient('bsn', v)} error={msg('patient.bsn')} />
              <TextField name="patient.name" label={t('patient.name')} value={form.patient.name} onChange={(v) => setPatient('name', v)} error={msg('patient.name')} />
              <TextField name="patient.birth_date" label={t('patient.birth_date')} type="date" value={form.patient.birth_date}
                onChange={(v) => setPatient('birth_date', v)} error={msg('patient.birth_date')} />
            </div>
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy} data-testid="placement-submit">{busy ? t('intake.saving') : t('pl.submit')}</button>
          <span className="muted small">{t('form.ctrlEnter')}</span>
          {count > 0 && general.length === 0 && <span className="error" role="alert">{t('entry.fixErrors')}</span>}
          {general.map((g, i) => <span key={i} className="error" role="alert" data-testid="form-general-error">{g}</span>)}
          <a href={href({ name: 'placements' })}>{t('form.cancel')}</a>
        </div>
      </form>
    </section>
  );
}
