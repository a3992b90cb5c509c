import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { useLiveQuery } from '../live';
import { ApiError, cases } from '../api';
import { canWorkCases, complaintName, moveSelection, targetStatus, truncate } from '../lib/cases';
import { useComplaints } from '../components/ComplaintPicker';
import { FetchedAt, ImpliedHandover, RepeatFlag, StateBadge, TargetTimer, UrgencyBadge, WaitTime } from '../components/CaseBits';
import { go, href } from '../router';
import { CHANNELS, type CaseItem, type User } from '../types';

type StateFilter = 'open' | 'closed' | 'all';

/** True when a key press is meant for a field (or a dialog), not for the list. */
export function isTyping(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable
    || !!el.closest?.('[role=dialog]'));
}

/**
 * The ZCC worklist: open requests in the server's order (urgency band, then longest waiting), with live
 * waiting time and target timer; filters; j/k or ↑/↓ to move, Enter to open, n for a new intake. Refetched
 * (debounced) on every case or handover event of the region.
 */
export function Worklist({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId, detail } = useRegionData();
  const now = useNow(1000);
  const names = useComplaints();
  const [state, setState] = useState<StateFilter>('open');
  const [channel, setChannel] = useState('');
  const [subregion, setSubregion] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  const load = useCallback(() => cases.list({ region: regionId, state, channel, subregion }), [regionId, state, channel, subregion]);
  const live = useLiveQuery(load, () => true);
  const items = useMemo(() => live.data?.items ?? [], [live.data]);
  const index = selected ? items.findIndex((c) => c.id === selected) : -1;
  const subNames = useMemo(() => new Map((detail?.region.subregions ?? []).map((s) => [s.id, s.name])), [detail]);
  const late = items.filter((c) => targetStatus(c, now).kind === 'late').length;

  // Keys for the list, before the app's shortcuts (capture phase): "k" moves here instead of opening the map.
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      const move = (d: number) => {
        e.preventDefault();
        const i = moveSelection(index, d, items.length);
        if (i >= 0) setSelected(items[i].id);
      };
      switch (e.key) {
        case 'j': case 'ArrowDown': move(1); break;
        case 'k': case 'ArrowUp': move(-1); break;
        case 'Home': move(-items.length); break;
        case 'End': move(items.length); break;
        case 'Enter': {
          // Only from the list itself: Enter on a button elsewhere is that button's.
          const el = e.target as HTMLElement;
          const inList = el === document.body || el.id === 'main' || !!tableRef.current?.contains(el);
          if (index >= 0 && inList) { e.preventDefault(); go({ name: 'case', id: items[index].id }); }
          break;
        }
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [index, items]);

  // Focus follows the selection (Enter then opens it as a link does), unless the user is typing somewhere.
  useEffect(() => {
    if (!selected) return;
    const link = tableRef.current?.querySelector<HTMLElement>(`tr[data-case="${CSS.escape(selected)}"] a`);
    const active = document.activeElement as HTMLElement | null;
    const typing = active && ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName);
    if (link && !typing && active !== link) link.focus({ preventScroll: true });
    link?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  if (!canWorkCases(user.role)) return <section className="view"><p className="empty">{t('worklist.noAccess')}</p></section>;
  const forbidden = live.error instanceof ApiError && live.error.status === 403;

  return (
    <section className="view worklist" aria-labelledby="wl-title">
      <div className="view-head">
        <h1 id="wl-title">{t('worklist.title')}</h1>
        <a className="btn primary" href={href({ name: 'intake' })} aria-keyshortcuts="n" data-testid="new-case">
          {t('worklist.new')}<kbd className="on-dark">n</kbd>
        </a>
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>{t('worklist.state')}</span>
            <select id="wl-state" value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
              {(['open', 'closed', 'all'] as const).map((s) => <option key={s} value={s}>{t(`worklist.filter.${s}`)}</option>)}
            </select>
          </label>
          <label>
            <span>{t('worklist.channel')}</span>
            <select id="wl-channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
              <option value="">{t('filter.all')}</option>
              {CHANNELS.map((c) => <option key={c} value={c}>{t(`channel.${c}`)}</option>)}
            </select>
          </label>
          <label>
            <span>{t('worklist.subregion')}</span>
            <select id="wl-subregion" value={subregion} onChange={(e) => setSubregion(e.target.value)}>
              <option value="">{t('filter.all')}</option>
              {(detail?.region.subregions ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
          </label>
        </form>
        <span className="wl-counts" data-testid="worklist-count">
          <b>{t('worklist.count', { n: items.length })}</b>
          {late > 0 && <span className="badge late-badge">⚠ {t('worklist.late', { n: late })}</span>}
        </span>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {live.error && !forbidden && (
        <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })} <button type="button" className="link-btn" onClick={live.reload}>{t('retry')}</button></div>
      )}
      {forbidden && <p className="error">{t('worklist.noAccess')}</p>}
      {live.loading && !live.data && <p className="muted">{t('loading')}</p>}
      {live.data && items.length === 0 && <p className="empty" data-testid="worklist-empty">{t(state === 'open' ? 'worklist.empty' : 'worklist.emptyAll')}</p>}
      {items.length > 0 && (
        <table className="grid worklist-table" data-testid="worklist" ref={tableRef} aria-describedby="wl-keys">
          <thead>
            <tr>
              <th scope="col">{t('col.urgency')}</th>
              <th scope="col" className="num">{t('col.wait')}</th>
              <th scope="col">{t('col.target')}</th>
              <th scope="col">{t('col.state')}</th>
              <th scope="col">{t('col.channel')}</th>
              <th scope="col">{t('col.complaint')}</th>
              <th scope="col" className="c-summary">{t('col.summary')}</th>
              <th scope="col">{t('col.handover')}</th>
              <th scope="col">{t('col.subregion')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c, i) => (
              <WorklistRow key={c.id} c={c} now={now} selected={i === index} onSelect={() => setSelected(c.id)}
                complaint={c.complaint ? complaintName(names.get(c.complaint), lang, c.complaint) : ''}
                subregion={c.subregion_id ? subNames.get(c.subregion_id) ?? c.subregion_id : ''} />
            ))}
          </tbody>
        </table>
      )}
      <p id="wl-keys" className="muted small keys-hint">{t('worklist.keys')}</p>
    </section>
  );
}

function WorklistRow({ c, now, selected, onSelect, complaint, subregion }: {
  c: CaseItem; now: number; selected: boolean; onSelect: () => void; complaint: string; subregion: string;
}) {
  const { t } = useI18n();
  const late = targetStatus(c, now).kind === 'late';
  return (
    <tr className={`case-row${selected ? ' selected' : ''}${late ? ' is-late' : ''}`} data-case={c.id} data-state={c.state}
      data-urgency={c.urgency ?? ''} aria-selected={selected}
      onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) go({ name: 'case', id: c.id }); }}>
      <td><UrgencyBadge urgency={c.urgency} /></td>
      <td className="num"><WaitTime since={c.received_at} now={now} until={c.closed_at} /></td>
      <td className="c-timer"><TargetTimer c={c} now={now} /></td>
      <td>
        <StateBadge state={c.state} />
        {c.outcome && <span className="muted small"> · {t(`outcome.${c.outcome}`)}</span>}
      </td>
      <td>{t(`channel.${c.channel}`)}</td>
      <td className="c-complaint">{complaint || <span className="muted">—</span>}</td>
      <td className="c-summary">
        {c.repeat_contact && <RepeatFlag />}
        <a href={href({ name: 'case', id: c.id })} title={c.summary} onFocus={onSelect}>{truncate(c.summary, 90)}</a>
      </td>
      <td><ImpliedHandover state={c.state} /></td>
      <td className="muted">{subregion}</td>
    </tr>
  );
}
