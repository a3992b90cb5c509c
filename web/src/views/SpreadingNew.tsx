import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useRegionData } from '../data';
import { api, ApiError, spreading } from '../api';
import { localizeCaseMessage } from '../lib/intake';
import {
  buildNewPlan, CARE_TYPES, careKey, emptyPatient, emptyPlanForm, localizeSpreadingMessage, mapPlanErrors, MAX_PATIENTS, patientField,
  planFields, POLICY_DEFAULTS, POLICY_FIELDS, worksSpreading, type PatientRow, type PlanForm, type PolicyField,
} from '../lib/spreading';
import type { Msg } from '../lib/validation';
import { FieldError, focusFirst, formKeys, SelectField, TextArea, TextField } from '../components/Fields';
import { typeLabel } from '../components/Status';
import { setFlash } from '../flash';
import { go, href } from '../router';
import type { RegionDetail, RegionSummary, User } from '../types';

/** The region details of the chosen regions: the user's own from the live picture, the others fetched once. */
function useRegionDetails(ids: string[]): Map<string, RegionDetail> {
  const { regionId, detail } = useRegionData();
  const [others, setOthers] = useState<Map<string, RegionDetail>>(new Map());
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const id of ids) {
      if (id === regionId || asked.current.has(id)) continue;
      asked.current.add(id);
      api.region(id).then((d) => setOthers((m) => new Map(m).set(id, d)), () => { asked.current.delete(id); });
    }
  }, [ids, regionId]);
  return useMemo(() => {
    const m = new Map<string, RegionDetail>();
    for (const id of ids) {
      const d = id === regionId ? detail : others.get(id);
      if (d) m.set(id, d);
    }
    return m;
  }, [ids, regionId, detail, others]);
}

/**
 * A new spreading plan: the regions whose hospitals may receive, the patients to spread (sending hospital and unit
 * from the region tree, IC or ward, an optional label without patient identifiers), optionally the policy
 * (collapsed) and a note. Ctrl+Enter sends; the server's field errors are shown next to the fields, in Dutch.
 */
export function SpreadingNew({ user }: { user: User }) {
  const { t } = useI18n();
  const { regionId } = useRegionData();
  const [form, setForm] = useState<PlanForm>(() => emptyPlanForm(regionId));
  const [nextKey, setNextKey] = useState(2);
  const [errors, setErrors] = useState<Record<string, Msg>>({});
  const [server, setServer] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [regions, setRegions] = useState<RegionSummary[]>([]);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => { api.regions().then(setRegions, () => setRegions([])); }, []);
  const details = useRegionDetails(form.regions);
  const hospitals = useMemo(() => [...details.values()].flatMap((d) => d.organizations.filter((o) => o.type === 'hospital')
    .map((o) => ({ ...o, region: d.region.id }))).sort((a, b) => a.name.localeCompare(b.name)), [details]);
  const unitsOf = (org: string) => [...details.values()].flatMap((d) => d.units).filter((u) => u.organization_id === org);

  if (!worksSpreading(user, regionId)) return <section className="view"><p className="empty">{t('sp.noCreate')}</p></section>;

  const fields = planFields(form);
  const msg = (f: string): string | undefined => {
    if (errors[f]) return t(errors[f].key, errors[f].params);
    const raw = server[f];
    if (raw == null) return undefined;
    return raw.split('; ').map((m) => { const k = localizeSpreadingMessage(m) ?? localizeCaseMessage(m); return k ? t(k.key, k.params) : m; }).join('; ');
  };
  const setPatient = (i: number, patch: Partial<PatientRow>) =>
    setForm((f) => ({ ...f, patients: f.patients.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  const addPatient = () => {
    setForm((f) => ({ ...f, patients: [...f.patients, emptyPatient(nextKey, f.patients)] }));
    setNextKey((k) => k + 1);
    setServer({});
  };
  const removePatient = (i: number) => { setForm((f) => ({ ...f, patients: f.patients.filter((_, j) => j !== i) })); setServer({}); setErrors({}); };
  const toggleRegion = (id: string, on: boolean) =>
    setForm((f) => ({ ...f, regions: on ? [...f.regions.filter((r) => r !== id), id] : f.regions.filter((r) => r !== id) }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setGeneral([]); setServer({});
    const built = buildNewPlan(form, user.region_id);
    setErrors(built.errors);
    if (!built.value) { focusFirst(ref.current, fields, Object.keys(built.errors)); return; }
    setBusy(true);
    try {
      const plan = await spreading.create(built.value);
      setFlash(t('sp.created'), 'ok');
      go({ name: 'spreadingPlan', id: plan.id });
    } catch (err) {
      if (err instanceof ApiError) {
        const m = mapPlanErrors(err.problem, fields);
        setServer(m.fields);
        setGeneral(err.status === 403 ? [t('err.forbidden')] : m.general.length ? m.general : Object.keys(m.fields).length ? [] : [err.message]);
        focusFirst(ref.current, fields, Object.keys(m.fields));
      } else setGeneral([(err as Error).message]);
    } finally {
      setBusy(false);
    }
  };
  const count = Object.keys(errors).length + Object.keys(server).length;
  const regionChoices = regions.length ? regions : [{ id: regionId, name: regionId, subregions: [] }];

  return (
    <section className="view transfer-new spreading-new" aria-labelledby="spn-title">
      <div className="view-head">
        <h1 id="spn-title">{t('sp.newTitle')}</h1>
        <a href={href({ name: 'spreading' })}>{t('sp.back')}</a>
      </div>
      <form ref={ref} className="cap-form case-form" onSubmit={submit} noValidate data-testid="plan-form" onKeyDown={(e) => formKeys(ref.current)(e)}>
        <fieldset id="f-regions" className={msg('regions') ? 'has-error' : undefined}>
          <legend>{t('sp.regionsLegend')}</legend>
          <div className="check-list">
            {regionChoices.map((r) => (
              <label key={r.id} className="check">
                <input type="checkbox" name="regions" value={r.id} checked={form.regions.includes(r.id)} onChange={(e) => toggleRegion(r.id, e.target.checked)} />
                {r.name}
              </label>
            ))}
          </div>
          <p className="muted small">{t('sp.regionsHint')}</p>
          <FieldError name="regions" error={msg('regions')} />
        </fieldset>
        <fieldset id="f-patients" className={msg('patients') ? 'has-error' : undefined}>
          <legend>{t('sp.patientsLegend', { n: form.patients.length })}</legend>
          <FieldError name="patients" error={msg('patients')} />
          <table className="grid sp-patients" data-testid="plan-patients">
            <tbody>
              {form.patients.map((p, i) => (
                <tr key={p.key} data-row={i}>
                  <td><TextField name={patientField(i, 'id')} label={t('sp.patientId')} className="narrow" value={p.id} maxLength={64}
                    onChange={(v) => setPatient(i, { id: v })} error={msg(patientField(i, 'id'))} /></td>
                  <td>
                    <SelectField name={patientField(i, 'from_organization')} label={t('sp.fromOrg')} value={p.from_organization}
                      onChange={(v) => setPatient(i, { from_organization: v, from_unit: '' })} error={msg(patientField(i, 'from_organization'))}>
                      <option value="">{t('intake.choose')}</option>
                      {hospitals.map((o) => <option key={o.id} value={o.id}>{o.name}{form.regions.length > 1 ? ` (${o.region})` : ''}</option>)}
                    </SelectField>
                  </td>
                  <td>
                    <SelectField name={patientField(i, 'from_unit')} label={t('sp.fromUnit')} value={p.from_unit} disabled={!p.from_organization}
                      onChange={(v) => {
                        const type = unitsOf(p.from_organization).find((u) => u.id === v)?.type;
                        setPatient(i, { from_unit: v, ...(!p.needs && (type === 'ic' || type === 'ward') ? { needs: type } : {}) });
                      }} error={msg(patientField(i, 'from_unit'))}>
                      <option value="">{t('intake.choose')}</option>
                      {unitsOf(p.from_organization).map((u) => <option key={u.id} value={u.id}>{u.name} · {typeLabel(t, u.type)}</option>)}
                    </SelectField>
                  </td>
                  <td>
                    <SelectField name={patientField(i, 'needs')} label={t('sp.needs')} value={p.needs}
                      onChange={(v) => setPatient(i, { needs: v as PatientRow['needs'] })} error={msg(patientField(i, 'needs'))}>
                      <option value="">{t('intake.choose')}</option>
                      {CARE_TYPES.map((c) => <option key={c} value={c}>{t(careKey(c))}</option>)}
                    </SelectField>
                  </td>
                  <td><TextField name={patientField(i, 'label')} label={t('sp.label')} value={p.label} maxLength={200}
                    onChange={(v) => setPatient(i, { label: v })} error={msg(patientField(i, 'label'))} /></td>
                  <td><button type="button" className="btn small" disabled={form.patients.length <= 1} onClick={() => removePatient(i)}
                    aria-label={t('sp.removePatient', { id: p.id })}>{t('sp.remove')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" className="btn small" onClick={addPatient} disabled={form.patients.length >= MAX_PATIENTS} data-testid="add-patient">{t('sp.addPatient')}</button>
          <p className="muted small">{t('sp.labelHint')}</p>
        </fieldset>
        <details className="sp-advanced" open={POLICY_FIELDS.some((f) => !!msg(`policy.${f}`)) || undefined}>
          <summary>{t('sp.policyLegend')}</summary>
          <div className="field-row">
            {POLICY_FIELDS.map((f: PolicyField) => (
              <TextField key={f} name={`policy.${f}`} label={t(`sp.policy.${f}`)} className="narrow" inputMode="decimal" value={form.policy[f]}
                placeholder={String(POLICY_DEFAULTS[f])} onChange={(v) => setForm((x) => ({ ...x, policy: { ...x.policy, [f]: v } }))} error={msg(`policy.${f}`)} />
            ))}
          </div>
          <p className="muted small">{t('sp.policyHint')}</p>
        </details>
        <div className="field-row">
          <TextArea name="note" label={t('sp.note')} className="grow" rows={2} value={form.note} maxLength={1000}
            onChange={(v) => setForm((f) => ({ ...f, note: v }))} error={msg('note')} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={busy} data-testid="plan-submit">{busy ? t('sp.solving') : t('sp.submit')}</button>
          <span className="muted small">{t('form.ctrlEnter')}</span>
          {count > 0 && general.length === 0 && <span className="error" role="alert">{t('entry.fixErrors')}</span>}
          {general.map((g, i) => <span key={i} className="error" role="alert" data-testid="form-general-error">{g}</span>)}
          <a href={href({ name: 'spreading' })}>{t('form.cancel')}</a>
        </div>
      </form>
    </section>
  );
}
