import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { useSpreadingQuery } from '../live';
import { ApiError, spreading } from '../api';
import { formatAge } from '../lib/age';
import { moveSelection } from '../lib/cases';
import { eventConcernsRegion, fmtCost, planOrder, planStateKey, readsSpreading, worksSpreading, type PlanSummary } from '../lib/spreading';
import { FetchedAt } from '../components/CaseBits';
import { isTyping } from './Worklist';
import { go, href } from '../router';
import type { User } from '../types';

type StateFilter = 'proposed' | 'approved' | 'discarded' | 'all';

/**
 * The region's spreading plans, newest first: state, patients, placed, total cost and age; filter by state.
 * Refetched (debounced) on the region's `spreading` events; j/k or ↑/↓ to move, Enter to open, n for a new plan.
 */
export function Spreading({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId } = useRegionData();
  const now = useNow(1000);
  const [state, setState] = useState<StateFilter>('all');
  const [selected, setSelected] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  const load = useCallback(() => spreading.list({ region: regionId, state }), [regionId, state]);
  const live = useSpreadingQuery(load, (e) => eventConcernsRegion(e, regionId));
  const items = useMemo(() => planOrder(live.data?.plans ?? []), [live.data]);
  const index = selected ? items.findIndex((x) => x.id === selected) : -1;
  const canCreate = worksSpreading(user, regionId);

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
        case 'n': if (canCreate) { e.preventDefault(); go({ name: 'spreadingNew' }); } break;
        case 'Enter': {
          const el = e.target as HTMLElement;
          const inList = el === document.body || el.id === 'main' || !!tableRef.current?.contains(el);
          if (index >= 0 && inList) { e.preventDefault(); go({ name: 'spreadingPlan', id: items[index].id }); }
          break;
        }
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [index, items, canCreate]);

  useEffect(() => {
    if (!selected) return;
    const link = tableRef.current?.querySelector<HTMLElement>(`tr[data-plan="${CSS.escape(selected)}"] a`);
    if (link && document.activeElement !== link) link.focus({ preventScroll: true });
    link?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  if (!readsSpreading(user)) return <section className="view"><p className="empty">{t('sp.noAccess')}</p></section>;
  const forbidden = live.error instanceof ApiError && live.error.status === 403;

  return (
    <section className="view transfers spreading" aria-labelledby="sp-title">
      <div className="view-head">
        <h1 id="sp-title">{t('sp.title')}</h1>
        {canCreate && (
          <a className="btn primary" href={href({ name: 'spreadingNew' })} aria-keyshortcuts="n" data-testid="new-plan">
            {t('sp.new')}<kbd className="on-dark">n</kbd>
          </a>
        )}
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>{t('sp.stateFilter')}</span>
            <select id="sp-state" value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
              {(['all', 'proposed', 'approved', 'discarded'] as const).map((s) => <option key={s} value={s}>{t(`sp.filter.${s}`)}</option>)}
            </select>
          </label>
        </form>
        <span className="wl-counts" data-testid="plan-count"><b>{t('sp.count', { n: items.length })}</b></span>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {live.error && !forbidden && (
        <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })} <button type="button" className="link-btn" onClick={live.reload}>{t('retry')}</button></div>
      )}
      {forbidden && <p className="error">{t('sp.noAccess')}</p>}
      {live.loading && !live.data && <p className="muted">{t('loading')}</p>}
      {live.data && items.length === 0 && <p className="empty" data-testid="plans-empty">{t('sp.empty')}</p>}
      {items.length > 0 && (
        <table className="grid transfer-table" data-testid="plans" ref={tableRef} aria-describedby="sp-keys">
          <thead>
            <tr>
              <th scope="col">{t('col.state')}</th>
              <th scope="col">{t('sp.col.plan')}</th>
              <th scope="col" className="num">{t('sp.col.patients')}</th>
              <th scope="col" className="num">{t('sp.col.placed')}</th>
              <th scope="col" className="num">{t('sp.col.totalCost')}</th>
              <th scope="col">{t('sp.col.by')}</th>
              <th scope="col" className="num">{t('sp.col.age')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x, i) => (
              <Row key={x.id} x={x} selected={i === index} onSelect={() => setSelected(x.id)}
                age={formatAge(Math.max(0, (now - Date.parse(x.updated_at)) / 1000), lang)} cost={fmtCost(x.total_cost, lang)} />
            ))}
          </tbody>
        </table>
      )}
      <p id="sp-keys" className="muted small keys-hint">{t('sp.keys')}</p>
    </section>
  );
}

function Row({ x, selected, onSelect, age, cost }: { x: PlanSummary; selected: boolean; onSelect: () => void; age: string; cost: string }) {
  const { t } = useI18n();
  return (
    <tr className={`transfer-row sp-row-${x.state}${selected ? ' selected' : ''}`} data-plan={x.id} data-state={x.state} aria-selected={selected}
      onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) go({ name: 'spreadingPlan', id: x.id }); }}>
      <td><PlanStateBadge state={x.state} /></td>
      <td><a href={href({ name: 'spreadingPlan', id: x.id })} onFocus={onSelect}>{x.id}</a> <span className="muted small">{x.regions.join(', ')}</span></td>
      <td className="num" data-col="patients">{x.patients}</td>
      <td className="num" data-col="placed">{x.placed}{x.placed < x.patients && <span className="error small"> ({t('sp.unplacedN', { n: x.patients - x.placed })})</span>}</td>
      <td className="num" data-col="cost">{cost}</td>
      <td>{x.created_by}</td>
      <td className="num" data-col="age">{age}</td>
    </tr>
  );
}

export function PlanStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return <span className={`badge ts sp-${state}`} data-plan-state={state}><span className="dot" aria-hidden="true" />{t(planStateKey(state))}</span>;
}
