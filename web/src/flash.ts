/** A one-time message for the next view (e.g. "Melding aangemaakt" after an intake); in memory only. */
export interface Flash { text: string; kind: 'ok' | 'notice' }
let pending: Flash | null = null;

export function setFlash(text: string, kind: Flash['kind'] = 'ok'): void { pending = { text, kind }; }

/** The message waiting, without taking it (a state initialiser may run twice). */
export function peekFlash(): Flash | null { return pending; }

/** Takes the message: it is shown once. */
export function clearFlash(): void { pending = null; }
