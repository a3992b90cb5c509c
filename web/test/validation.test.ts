import { describe, expect, it } from 'vitest';
import { emptyForm, formFields, localizeServerMessage, mapProblem, parseCount, validateCapacity, type CapacityForm } from '../src/lib/validation';
import { translate } from '../src/i18n';

function form(beds?: Partial<CapacityForm['beds']>, ed?: Partial<CapacityForm['ed']>, rest: Partial<CapacityForm> = {}): CapacityForm {
  const f = emptyForm();
  return { ...f, beds: { ...f.beds, ...beds }, ed: { ...f.ed, ...ed }, ...rest };
}
const okBeds = { total: '10', staffed: '8', occupied: '5', available: '3' };
const okEd = { status: 'open' as const, waiting: '4', in_treatment: '6', boarding: '1', crowding: '90' };
const now = Date.parse('2025-01-01T12:00:00Z');

describe('parseCount', () => {
  it('accepts whole numbers ≥ 0', () => {
    expect(parseCount('0').value).toBe(0);
    expect(parseCount(' 12 ').value).toBe(12);
  });
  it('rejects empty, negative, fractional and text input', () => {
    expect(parseCount('').error?.key).toBe('err.required');
    expect(parseCount('-1').error?.key).toBe('err.negative');
    expect(parseCount('2.5').error?.key).toBe('err.integer');
    expect(parseCount('2,5').error?.key).toBe('err.integer');
    expect(parseCount('abc').error?.key).toBe('err.integer');
    expect(parseCount('1e3').error?.key).toBe('err.integer');
    expect(parseCount('99999999999').error?.key).toBe('err.tooLarge');
  });
});

describe('validateCapacity', () => {
  it('accepts a consistent ward report and builds the API body', () => {
    const r = validateCapacity('ward', form(okBeds), now);
    expect(r.errors).toEqual({});
    expect(r.value).toEqual({ beds: { total: 10, staffed: 8, occupied: 5, available: 3 } });
  });
  it('requires staffed ≤ total, occupied ≤ total, occupied + available ≤ staffed', () => {
    const r = validateCapacity('ic', form({ total: '5', staffed: '6', occupied: '7', available: '7' }), now);
    expect(r.value).toBeNull();
    expect(r.errors['beds.staffed'].key).toBe('err.staffedGtTotal');
    expect(r.errors['beds.occupied'].key).toBe('err.occupiedGtTotal');
    expect(r.errors['beds.available'].key).toBe('err.occupiedAvailableGtStaffed');
  });
  it('refuses free beds beyond staffed - occupied, with the server\'s one message', () => {
    const r = validateCapacity('ward', form({ total: '20', staffed: '18', occupied: '15', available: '5' }), now);
    expect(Object.keys(r.errors)).toEqual(['beds.available']);
    const e = r.errors['beds.available'];
    expect(translate('nl', e.key, e.params)).toBe('Bezet + vrij mag niet groter zijn dan bemand (18).');
    expect(translate('en', e.key, e.params)).toBe('Occupied + free must not exceed staffed (18).');
  });
  it('allows occupied beyond staffed (overflow) when none are free', () => {
    expect(validateCapacity('ic', form({ total: '30', staffed: '20', occupied: '25', available: '0' }), now).errors).toEqual({});
    expect(Object.keys(validateCapacity('ic', form({ total: '30', staffed: '20', occupied: '25', available: '1' }), now).errors))
      .toEqual(['beds.available']);
  });
  it('checks a rule whose numbers parsed while another field is wrong', () => {
    const r = validateCapacity('ward', form({ total: '', staffed: '8', occupied: '5', available: '4' }), now);
    expect(r.errors['beds.total'].key).toBe('err.required');
    expect(r.errors['beds.available'].key).toBe('err.occupiedAvailableGtStaffed');
  });
  it('allows equality at the bounds', () => {
    expect(validateCapacity('ic', form({ total: '5', staffed: '5', occupied: '5', available: '0' }), now).errors).toEqual({});
    expect(validateCapacity('ic', form({ total: '5', staffed: '5', occupied: '0', available: '5' }), now).errors).toEqual({});
    expect(validateCapacity('ic', form({ total: '5', staffed: '5', occupied: '3', available: '2' }), now).errors).toEqual({});
    expect(validateCapacity('ic', form({ total: '0', staffed: '0', occupied: '0', available: '0' }), now).errors).toEqual({});
  });
  it('gives Dutch messages next to the field by default', () => {
    const r = validateCapacity('ic', form({ total: '5', staffed: '6', occupied: '1', available: '1' }), now);
    const e = r.errors['beds.staffed'];
    expect(translate('nl', e.key, e.params)).toBe('Bemand mag niet groter zijn dan totaal (5).');
    expect(translate('en', e.key, e.params)).toBe('Staffed must not exceed total (5).');
  });
  it('checks ED fields for seh, including crowding 0–200 and a status', () => {
    expect(validateCapacity('seh', form(okBeds, okEd), now).value).toEqual({
      beds: { total: 10, staffed: 8, occupied: 5, available: 3 },
      ed: { status: 'open', waiting: 4, in_treatment: 6, boarding: 1, crowding: 90 },
    });
    const r = validateCapacity('seh', form(okBeds, { ...okEd, status: '', crowding: '201' }), now);
    expect(r.errors['ed.crowding'].key).toBe('err.crowdingRange');
    expect(r.errors['ed.status'].key).toBe('err.statusRequired');
    expect(validateCapacity('seh', form(okBeds, { ...okEd, crowding: '200' }), now).errors).toEqual({});
  });
  it('has no beds for hap, and no ED fields for other types', () => {
    const hap = validateCapacity('hap', form({ total: 'x' }, okEd), now);
    expect(hap.errors).toEqual({});
    expect(hap.value).toEqual({ ed: { status: 'open', waiting: 4, in_treatment: 6, boarding: 1, crowding: 90 } });
    const ic = validateCapacity('ic', form(okBeds, { status: '', crowding: '999' }), now);
    expect(ic.errors).toEqual({});
    expect(ic.value?.ed).toBeUndefined();
  });
  it('treats ambulance vehicles as beds', () => {
    expect(validateCapacity('ambulance', form({ total: '4', staffed: '3', occupied: '1', available: '2' }), now).value?.beds?.available).toBe(2);
  });
  it('rejects an as_of more than 5 minutes in the future, accepts the past', () => {
    const future = new Date(now + 10 * 60000);
    const local = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    expect(validateCapacity('ic', form(okBeds, {}, { as_of: local(future) }), now).errors['as_of'].key).toBe('err.dateFuture');
    const past = validateCapacity('ic', form(okBeds, {}, { as_of: local(new Date(now - 3600000)) }), now);
    expect(past.errors).toEqual({});
    expect(past.value?.as_of).toBe(new Date(now - 3600000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });
  it('passes a trimmed note', () => {
    expect(validateCapacity('ic', form(okBeds, {}, { note: '  2 bedden dicht wegens lekkage ' }), now).value?.note).toBe('2 bedden dicht wegens lekkage');
  });
});

describe('note length', () => {
  it('allows 2000 bytes of UTF-8 and no more, as the server does', () => {
    expect(validateCapacity('ic', form(okBeds, {}, { note: 'a'.repeat(2000) }), now).errors).toEqual({});
    expect(validateCapacity('ic', form(okBeds, {}, { note: 'é'.repeat(1001) }), now).errors['note'].key).toBe('err.noteLong');
  });
});

describe('mapProblem', () => {
  const fields = formFields('seh');
  it('puts errors[].field next to the matching field', () => {
    const m = mapProblem({
      status: 422, title: 'Unprocessable', errors: [
        { field: 'beds.staffed', message: 'staffed must be <= total' },
        { field: '/ed/crowding', message: 'crowding out of range' },
        { field: 'as_of', message: 'too far in the future' },
        { field: 'something', message: 'odd' },
      ],
    }, fields);
    expect(m.fields).toEqual({ 'beds.staffed': 'staffed must be <= total', 'ed.crowding': 'crowding out of range', as_of: 'too far in the future' });
    expect(m.general).toEqual(['something: odd']);
  });
  it('falls back to detail when there are no field errors', () => {
    expect(mapProblem({ status: 409, title: 'Conflict', detail: 'stale version' }, fields).general).toEqual(['stale version']);
    expect(mapProblem(null, fields)).toEqual({ fields: {}, general: [] });
  });
  it('knows the fields per unit type', () => {
    expect(formFields('hap')).not.toContain('beds.total');
    expect(formFields('hap')).toContain('ed.waiting');
    expect(formFields('ic')).not.toContain('ed.status');
  });
});

describe('localizeServerMessage', () => {
  it('shows the server\'s known field messages in Dutch', () => {
    const nl = (m: string) => { const k = localizeServerMessage(m); return k ? translate('nl', k.key, k.params) : m; };
    expect(nl('must not exceed total')).toBe('Mag niet groter zijn dan totaal.');
    expect(nl('occupied + available must not exceed staffed')).toBe('Bezet + vrij mag niet groter zijn dan bemand.');
    expect(nl('must be at most 200')).toBe('Te groot (maximaal 200).');
    expect(nl('must be 0 or more')).toBe('Mag niet negatief zijn.');
    expect(nl('must be an integer, not a string')).toBe('Vul een geheel getal in (0 of meer).');
    expect(nl('is required')).toBe('Verplicht veld.');
    expect(nl('must not be more than 5 minutes in the future')).toBe('Peilmoment mag niet meer dan 5 minuten in de toekomst liggen.');
    expect(nl('something new')).toBe('something new');
  });
});
