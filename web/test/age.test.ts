import { describe, expect, it } from 'vitest';
import { ageSeconds, clockOffset, formatAge, isStale } from '../src/lib/age';

describe('formatAge', () => {
  it('renders short, dense ages', () => {
    expect(formatAge(0)).toBe('0 s');
    expect(formatAge(45)).toBe('45 s');
    expect(formatAge(59.9)).toBe('59 s');
    expect(formatAge(60)).toBe('1 min');
    expect(formatAge(180)).toBe('3 min');
    expect(formatAge(3599)).toBe('59 min');
    expect(formatAge(3600)).toBe('1 u 00 min');
    expect(formatAge(2 * 3600 + 5 * 60)).toBe('2 u 05 min');
    expect(formatAge(86400)).toBe('1 d');
    expect(formatAge(3 * 86400 + 4 * 3600)).toBe('3 d 4 u');
  });
  it('uses the English hour abbreviation in English', () => {
    expect(formatAge(2 * 3600 + 5 * 60, 'en')).toBe('2 h 05 min');
    expect(formatAge(180, 'en')).toBe('3 min');
  });
  it('renders missing ages as a dash and clamps negatives', () => {
    expect(formatAge(null)).toBe('—');
    expect(formatAge(undefined)).toBe('—');
    expect(formatAge(Number.NaN)).toBe('—');
    expect(formatAge(-5)).toBe('0 s');
  });
});

describe('ageSeconds', () => {
  const now = Date.parse('2025-01-01T12:03:00Z');
  it('computes live age from as_of', () => {
    expect(ageSeconds('2025-01-01T12:00:00Z', now)).toBe(180);
  });
  it('is null without a report and never negative', () => {
    expect(ageSeconds(null, now)).toBeNull();
    expect(ageSeconds('garbage', now)).toBeNull();
    expect(ageSeconds('2025-01-01T12:04:00Z', now)).toBe(0);
  });
});

describe('isStale', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  const at = (secAgo: number) => new Date(now - secAgo * 1000).toISOString();
  it('is stale when never reported', () => {
    expect(isStale({ as_of: null, stale: false, expected_interval_s: 300 }, now)).toBe(true);
  });
  it('is stale after twice the expected interval, not before', () => {
    expect(isStale({ as_of: at(600), stale: false, expected_interval_s: 300 }, now)).toBe(false);
    expect(isStale({ as_of: at(601), stale: false, expected_interval_s: 300 }, now)).toBe(true);
  });
  it('counts milliseconds, as the server does: 600.5 s is past 2 × 300 s', () => {
    expect(isStale({ as_of: at(600.5), stale: false, expected_interval_s: 300 }, now)).toBe(true);
  });
  it('keeps the server flag', () => {
    expect(isStale({ as_of: at(10), stale: true, expected_interval_s: 300 }, now)).toBe(true);
  });
});

describe('clockOffset', () => {
  it('ignores sub-second noise and corrects real skew', () => {
    const t = Date.parse('2025-01-01T12:00:00Z');
    expect(clockOffset('2025-01-01T12:00:00Z', t + 500)).toBe(0);
    expect(clockOffset('2025-01-01T12:00:00Z', t - 60000)).toBe(60000);
    expect(clockOffset(null, t)).toBe(0);
  });
});
