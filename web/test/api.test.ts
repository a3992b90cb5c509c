import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, CSRF_HEADER } from '../src/api';

// Records the requests api.ts makes, answering each with an empty 200 JSON body (204 for logout).
function recordFetch() {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const logout = url.endsWith('/logout');
    return new Response(logout ? null : '{}', { status: logout ? 204 : 200 });
  }));
  return calls;
}

const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];

afterEach(() => { vi.unstubAllGlobals(); });

describe('api requests', () => {
  it('send the CSRF header on every unsafe request (cookie sessions need it)', async () => {
    const calls = recordFetch();
    await api.putCapacity('u1', { beds: { total: 1, staffed: 1, occupied: 0, available: 1 } });
    await api.logout();
    await api.login('jan', 'secret');
    expect(calls.map((c) => c.init.method)).toEqual(['PUT', 'POST', 'POST']);
    for (const c of calls) {
      expect(header(c.init, CSRF_HEADER)).toBe('1');
      expect(c.init.credentials).toBe('same-origin');
    }
    expect(header(calls[0].init, 'Content-Type')).toBe('application/json');
  });

  it('do not add it to reads', async () => {
    const calls = recordFetch();
    await api.me();
    await api.snapshot('ZWN');
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(header(c.init, CSRF_HEADER)).toBeUndefined();
  });
});

describe('sign-in', () => {
  it('tries again by itself while the server is busy (503 with Retry-After), then succeeds', async () => {
    vi.useFakeTimers();
    let calls = 0;
    vi.stubGlobal('fetch', vi.fn(async () => {
      calls++;
      if (calls <= 2) {
        return new Response('{"title":"Service unavailable","status":503}',
          { status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' } });
      }
      return new Response('{"token":"t","expires_at":"x","user":{"username":"jan"}}', { status: 200 });
    }));
    const done = api.login('jan', 'secret');
    await vi.advanceTimersByTimeAsync(2000);
    await expect(done).resolves.toMatchObject({ token: 't' });
    expect(calls).toBe(3);
    vi.useRealTimers();
  });

  it('gives up after three retries, and never retries a refusal', async () => {
    vi.useFakeTimers();
    let calls = 0;
    vi.stubGlobal('fetch', vi.fn(async () => {
      calls++;
      return new Response('{"status":503}', { status: 503, headers: { 'Retry-After': '1' } });
    }));
    const busy = api.login('jan', 'secret').catch((e) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect((await busy).status).toBe(503);
    expect(calls).toBe(4);
    calls = 0;
    vi.stubGlobal('fetch', vi.fn(async () => { calls++; return new Response('{"status":401}', { status: 401 }); }));
    await expect(api.login('jan', 'wrong')).rejects.toMatchObject({ status: 401 });
    expect(calls).toBe(1);
    vi.useRealTimers();
  });
});

describe('patient-related searches', () => {
  it('send the BSN only in the body, with the CSRF header; the CSV comes back as text', async () => {
    const { audit, contacts } = await import('../src/api');
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const csv = header(init, 'Accept') === 'text/csv';
      return new Response(csv ? 'id,at,actor\r\n1,x,zcc\r\n' : '{"items":[]}', { status: 200 });
    }));
    await contacts.search({ bsn: '111222333', purpose: 'intake' });
    const text = await audit.csv({ bsn: '111222333', limit: 1000 });
    await audit.review(7);
    expect(text).toBe('id,at,actor\r\n1,x,zcc\r\n');
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/contacts:search', '/api/v1/access-log:search', '/api/v1/break-glass/7/review']);
    for (const c of calls) {
      expect(c.url).not.toContain('111222333');
      expect(c.init.method).toBe('POST');
      expect(header(c.init, CSRF_HEADER)).toBe('1');
      expect(c.init.credentials).toBe('same-origin');
    }
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ bsn: '111222333', purpose: 'intake' });
    expect(header(calls[1].init, 'Accept')).toBe('text/csv');
  });
});
