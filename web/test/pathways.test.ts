// The pathway proposal's pure rules: the decision bodies (the reason held to core's ValidateReason),
// the live data age of a capacity row, distances in both languages, which action is the chosen one.
import { describe, expect, it } from 'vitest';
import { deviationBody, formatDistance, isChosen, liveAgeSeconds, localText, MAX_REASON_BYTES, takeBody } from '../src/lib/pathways';
import { nl } from '../src/i18n/nl';
import { en } from '../src/i18n/en';

const catheter = { id: 'catheter-care', version: 2 };

describe('pathway decision bodies', () => {
  it('takes an action of the version proposed', () => {
    expect(takeBody(catheter, 'acute-district-nursing'))
      .toEqual({ pathway_id: 'catheter-care', pathway_version: 2, action: 'acute-district-nursing' });
  });
  it('needs a reason to deviate, trimmed, not only white space', () => {
    expect(deviationBody(catheter, '  \n ')).toEqual({ body: null, error: { key: 'err.required' } });
    expect(deviationBody(catheter, '').body).toBeNull();
    expect(deviationBody(catheter, ' geen wijkverpleging vrij ').body)
      .toEqual({ pathway_id: 'catheter-care', pathway_version: 2, deviation_reason: 'geen wijkverpleging vrij' });
  });
  it('counts the reason in UTF-8 bytes, at most 1000 as the server', () => {
    expect(deviationBody(catheter, 'x'.repeat(MAX_REASON_BYTES)).body).not.toBeNull();
    const long = deviationBody(catheter, 'x'.repeat(MAX_REASON_BYTES + 1));
    expect(long.body).toBeNull();
    expect(long.error?.key).toBe('proposal.reasonLong');
    // 'ë' is two bytes: 501 of them are 1002 bytes.
    expect(deviationBody(catheter, 'ë'.repeat(501)).body).toBeNull();
    expect(deviationBody(catheter, 'ë'.repeat(500)).body).not.toBeNull();
  });
});

describe('capacity rows', () => {
  it('age runs on from the server age at the proposal', () => {
    const fetched = Date.parse('2026-12-05T10:00:00Z');
    expect(liveAgeSeconds({ age_s: 120 }, fetched, fetched)).toBe(120);
    expect(liveAgeSeconds({ age_s: 120 }, fetched, fetched + 61_500)).toBe(181);
    expect(liveAgeSeconds({ age_s: 120 }, fetched, fetched - 5000)).toBe(120);  // never backwards
    expect(liveAgeSeconds({ age_s: null }, fetched, fetched + 1000)).toBeNull();  // never reported
    expect(liveAgeSeconds({ age_s: 7 }, null, fetched)).toBe(7);
  });
  it('distances: one decimal below 10 km, whole above; a comma in Dutch', () => {
    expect(formatDistance(3.24, 'nl')).toBe('3,2 km');
    expect(formatDistance(3.24, 'en')).toBe('3.2 km');
    expect(formatDistance(0, 'en')).toBe('0.0 km');
    expect(formatDistance(42.6, 'nl')).toBe('43 km');
    expect(formatDistance(null, 'nl')).toBe('—');
  });
});

describe('the decision shown', () => {
  it('marks only the action of the version recorded', () => {
    const decided = { id: 'catheter-care', version: 2, action: 'acute-district-nursing' };
    expect(isChosen(decided, catheter, 'acute-district-nursing')).toBe(true);
    expect(isChosen(decided, { id: 'catheter-care', version: 1 }, 'acute-district-nursing')).toBe(false);
    expect(isChosen(decided, catheter, 'md-consult')).toBe(false);
    expect(isChosen({ ...decided, action: null }, catheter, 'acute-district-nursing')).toBe(false);  // a deviation
    expect(isChosen(null, catheter, 'acute-district-nursing')).toBe(false);
  });
  it('names in the language of the user, else the other', () => {
    expect(localText({ nl: 'Katheterzorg', en: 'Catheter care' }, 'nl')).toBe('Katheterzorg');
    expect(localText({ nl: 'Katheterzorg', en: 'Catheter care' }, 'en')).toBe('Catheter care');
    expect(localText({ nl: '', en: 'Catheter care' }, 'nl')).toBe('Catheter care');
  });
  it('has a text for every condition the engine can leave unchecked, in both languages', () => {
    for (const c of ['age', 'living', 'time_of_day', 'known_care']) {
      expect(nl).toHaveProperty(`proposal.cond.${c}`);
      expect(en).toHaveProperty(`proposal.cond.${c}`);
    }
    expect(nl['proposal.choose']).toBe('Kies');
    expect(nl['proposal.deviate']).toBe('Afwijken');
    expect(nl['proposal.title']).toBe('Voorstel');
  });
});
