import { useState } from 'react';
import { useI18n } from '../i18n';
import { cases } from '../api';
import { useChange } from '../useChange';
import { fieldId, useFieldMessages } from './Fields';
import type { Msg } from '../lib/validation';
import type { Handover, HandoverWithCase } from '../types';

/**
 * The partner's answer to a handover: accept (the text is an optional note) or decline (the text is the
 * required reason). An accepted handover can still be declined ("we cannot come after all"). Each answer
 * names the handover's version in If-Match; when someone else answered first the inbox reloads.
 */
export function HandoverAnswer({ h, onDone, onStale }: { h: Handover; onDone: (v: HandoverWithCase) => void; onStale: () => void }) {
  const { t } = useI18n();
  const change = useChange(onStale, 'inbox.stale');
  const [text, setText] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, change.server);
  if (h.state !== 'requested' && h.state !== 'accepted') return null;
  const name = `answer-${h.id}`;

  const answer = async (kind: 'accept' | 'decline') => {
    if (change.busy) return;
    if (kind === 'decline' && !text.trim()) {
      setOwn({ reason: { key: 'err.reasonRequired' } });
      document.getElementById(fieldId(name))?.focus();
      return;
    }
    setOwn({});
    const body = kind === 'accept' ? (text.trim() ? { note: text.trim() } : {}) : { reason: text.trim() };
    const res = await change.run(['note', 'reason'], () => cases.answer(h.id, kind, h.version, body), (v) => { setText(''); onDone(v); });
    if (!res.ok && res.fields.length) document.getElementById(fieldId(name))?.focus();
  };
  const error = msg('reason') ?? msg('note');

  return (
    <form className="answer-form" data-testid="handover-answer" onSubmit={(e) => { e.preventDefault(); void answer('accept'); }}>
      <div className={`field grow${error ? ' has-error' : ''}`}>
        <label htmlFor={fieldId(name)}>{h.state === 'requested' ? t('inbox.noteOrReason') : t('inbox.reason')}</label>
        <textarea id={fieldId(name)} name="reason" rows={2} value={text} onChange={(e) => setText(e.target.value)}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${fieldId(name)}-err` : undefined}
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && h.state === 'requested') { e.preventDefault(); void answer('accept'); } }} />
        {error && <span id={`${fieldId(name)}-err`} className="field-error" role="alert" data-field="reason">{error}</span>}
      </div>
      <div className="answer-buttons">
        {h.state === 'requested' && (
          <button type="submit" className="btn primary accept" disabled={change.busy} data-testid="accept">✓ {t('inbox.accept')}</button>
        )}
        <button type="button" className="btn danger" disabled={change.busy} onClick={() => void answer('decline')} data-testid="decline">
          ✕ {h.state === 'accepted' ? t('inbox.declineAfter') : t('inbox.decline')}
        </button>
      </div>
      {change.general && <p className="error" role="alert" data-testid="answer-error">{change.general}</p>}
    </form>
  );
}
