import { useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { cases } from '../api';
import { complaintName, moveSelection } from '../lib/cases';
import type { Complaint } from '../types';

let every: Promise<Complaint[]> | null = null;

/** Every entry complaint, fetched once per page load (in memory only), to name the codes cases carry. */
export function useComplaints(): Map<string, Complaint> {
  const [list, setList] = useState<Complaint[]>([]);
  useEffect(() => {
    let live = true;
    every ??= cases.complaints('', 500).then((r) => r.items ?? []).catch((e) => { every = null; throw e; });
    every.then((l) => { if (live) setList(l); }).catch(() => { /* names fall back to codes */ });
    return () => { live = false; };
  }, []);
  return useMemo(() => new Map(list.map((c) => [c.code, c])), [list]);
}

/**
 * The entry complaint as a search box over GET /complaints?q= (names and synonyms, Dutch and English):
 * type, ↑/↓ to choose, Enter to take, Esc to close. The value is the complaint's code.
 */
export function ComplaintPicker({ id, value, onChange, error, autoFocus }: {
  id: string; value: string; onChange: (code: string) => void; error?: string; autoFocus?: boolean;
}) {
  const { t, lang } = useI18n();
  const names = useComplaints();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState(false);
  const [hits, setHits] = useState<Complaint[]>([]);
  const [active, setActive] = useState(-1);
  const [failed, setFailed] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const h = setTimeout(() => {
      cases.complaints(q.trim(), 12)
        .then((r) => { if (live) { setHits(r.items ?? []); setActive(r.items?.length ? 0 : -1); setFailed(null); } })
        .catch((e) => { if (live) setFailed((e as Error).message); });
    }, q ? 120 : 0);
    return () => { live = false; clearTimeout(h); };
  }, [q, open]);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' });
  }, [active]);

  const take = (c: Complaint) => { onChange(c.code); setQ(''); setOpen(false); };
  const chosen = value ? complaintName(names.get(value), lang, value) : '';

  return (
    <div className={`field complaint-field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{t('complaint.label')}</label>
      <div className="combo">
        <input id={id} name="complaint" type="text" role="combobox" autoComplete="off" autoFocus={autoFocus}
          aria-expanded={open} aria-controls={`${id}-list`} aria-autocomplete="list"
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-err` : undefined}
          placeholder={chosen || t('complaint.placeholder')} value={q}
          onChange={(e) => { setQ(e.target.value); setOpen(true); }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault(); setOpen(true);
              setActive((a) => moveSelection(a, e.key === 'ArrowDown' ? 1 : -1, hits.length));
            } else if (e.key === 'Enter' && open && active >= 0 && hits[active]) {
              e.preventDefault(); take(hits[active]);
            } else if (e.key === 'Escape' && open) {
              e.preventDefault(); e.stopPropagation(); setOpen(false);
            }
          }} />
        {value && (
          <span className="combo-value" data-complaint={value}>
            <b>{chosen}</b>
            <button type="button" className="link-btn small" onClick={() => onChange('')}>{t('complaint.clear')}</button>
          </span>
        )}
        {open && (
          <ul id={`${id}-list`} role="listbox" className="combo-list" ref={listRef} aria-label={t('complaint.label')}>
            {hits.map((c, i) => (
              <li key={c.code} id={`${id}-opt-${i}`} role="option" aria-selected={i === active} data-code={c.code}
                className={i === active ? 'active' : undefined}
                onMouseDown={(e) => { e.preventDefault(); take(c); }} onMouseEnter={() => setActive(i)}>
                {complaintName(c, lang)}
                {c.synonyms?.length ? <span className="muted small"> · {c.synonyms.slice(0, 3).join(', ')}</span> : null}
              </li>
            ))}
            {hits.length === 0 && <li className="muted" role="presentation">{failed ? t('loadError', { detail: failed }) : t('complaint.none')}</li>}
          </ul>
        )}
      </div>
      {error && <span id={`${id}-err`} className="field-error" role="alert" data-field="complaint">{error}</span>}
    </div>
  );
}
