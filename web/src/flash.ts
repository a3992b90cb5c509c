/** A one-time message for the next view (e.g. "Melding aangemaakt" after an intake); in memory only. */
let pending: { text: string; kind: 'ok' | 'notice' } | null = null;

export function setFlash(text: string, kind: 'ok' | 'notice' = 'ok'): void { pending = { text, kind }; }

export function takeFlash(): { text: string; kind: 'ok' | 'notice' } | null {
  const f = pending;
  pending = null;
  return f;
}
