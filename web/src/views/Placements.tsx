import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName, useRegionData } from '../data';
import { ApiError, placements } from '../api';
import { formatAge } from '../lib/age';
import { moveSelection, truncate } from '../lib/cases';
import {
  careTypeKey, mayCreatePlacement, openOffers, plStateKey, readsPlacements, waitingOrder, waitsOnMe, type Placement, type WaitingList,
} from '../lib/placements';
import { FetchedAt } from '../components/CaseBits';
import { useUnitName } from '../components/TransferBits';
import { isTyping } from './Worklist';
import { go, href } from '../router';
import type { User } from '../types';
import { canReadKpis } from '../lib/kpis';
import { usePlacementQuery } from '../live';

type StateFilter = 'open' | 'waiting' | 'offered' | 'all';
const WIRE: Record<StateFilter, string> = { open: 'waiting,offered', waiting: 'waiting', offered: 'offered', all: 'all' };

/**
 * The follow-up placement desk's waiting list (docs/placement.md): the region's placements (an organisation's
 * users: their own), those with an offer to the user's organisation first, then the longest in a hospital bed
 * they no longer need. Refetched (debounced) on the region's `placement` events, every 30 s while the stream is
 * down, and on demand; j/k or ↑/↓ to move, n for a new placement.
 */
export function Placements({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId } = useRegionData();
  const now = useNow(1000);
  const orgName = useOrgName();
  const unitName = useUnitName();
  const [state, setState] = useState<StateFilter>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);

  const load = useCallback((): Promise<WaitingList> => placements.list({ region: regionId, state: WIRE[state] }), [regionId, state]);
  const { data, error, fetchedAt, reload } = usePlacementQuery(load, (e) => e.region_id === regionId);

  const items = useMemo(() => waitingOrder(data?.items ?? [], user), [data, user]);
  const index = selected ? items.findIndex((x) => x.id === selected) : -1;
  const waiting = items.filter((x) => waitsOnMe(x, user)).length;
  const canCreate = mayCreatePlacement(user);

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
        case 'Enter': if (index >= 0 && !isTyping(e)) { e.preventDefault(); go({ name: 'placement', id: items[index].id }); } break;
        case 'n': if (canCreate) { e.preventDefault(); go({ name: 'placementNew' }); } break;
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [index, items, canCreate]);

  useEffect(() => {
    if (!selected) return;
    const row = tableRef.current?.querySelector<HTMLElement>(`tr[data-placement="${CSS.escape(selected)}"]`);
    row?.focus({ preventScroll: true });
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  if (!readsPlacements(user)) return <section className="view"><p className="empty">{t('pl.noAccess')}</p></section>;
  const forbidden = error instanceof ApiError && error.status === 403;
  const orgScope = ['org-user', 'org-capacity-manager'].includes(user.role) && !!user.organization_id;
  const title = orgScope ? t('pl.titleOrg', { org: orgName(user.organization_id) }) : t('pl.title');
  const hours = (h: number) => formatAge(Math.max(0, h * 3600), lang);

  return (
    <section className="view transfers placements" aria-labelledby="pl-title">
      <div className="view-head">
        <h1 id="pl-title">{title}</h1>
        {canCreate && (
          <a className="btn primary" href={href({ name: 'placementNew' })} aria-keyshortcuts="n" data-testid="new-placement">
            {t('pl.new')}<kbd className="on-dark">n</kbd>
          </a>
        )}
        {canReadKpis(user.role) && (
          <a className="btn small" href={href({ name: 'kpi', part: 'placements' })} data-testid="placement-kpis">{t('pl.kpiLink')}</a>
        )}
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>{t('pl.stateFilter')}</span>
            <select id="pl-state" value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
              {(['open', 'waiting', 'offered', 'all'] as const).map((s) => <option key={s} value={s}>{t(`pl.filter.${s}`)}</option>)}
            </select>
          </label>
        </form>
        <span className="wl-counts" data-testid="placement-count">
          <b>{t('pl.count', { n: items.length })}</b>
          {waiting > 0 && <span className="badge ts-waits" data-testid="placement-waiting">⚠ {t('pl.waiting', { n: waiting })}</span>}
        </span>
        <FetchedAt at={fetchedAt} now={now} />
      </div>
      {error && !forbidden && (
        <div className="banner error" role="alert">{t('loadError', { detail: error.message })} <button type="button" className="link-btn" onClick={reload}>{t('retry')}</button></div>
      )}
      {forbidden && <p className="error">{t('pl.noAccess')}</p>}
      {!data && !error && <p className="muted">{t('loading')}</p>}
      {data && items.length === 0 && <p className="empty" data-testid="placements-empty">{t(state === 'all' ? 'pl.emptyAll' : 'pl.empty')}</p>}
      {items.length > 0 && (
        <table className="grid transfer-table" data-testid="placements" ref={tableRef} aria-describedby="pl-keys">
          <thead>
            <tr>
              <th scope="col">{t('col.state')}</th>
              <th scope="col">{t('pl.col.careType')}</th>
              <th scope="col">{t('pl.col.from')}</th>
              <th scope="col" className="c-summary">{t('pl.col.needs')}</th>
              <th scope="col" className="num">{t('pl.col.waiting')}</th>
              <th scope="col" className="num">{t('pl.col.wrongBed')}</th>
              <th scope="col" className="num">{t('pl.col.offers')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x, i) => (
              <Row key={x.id} x={x} selected={i === index} waits={waitsOnMe(x, user)} onSelect={() => setSelected(x.id)}
                from={`${orgName(x.from_organization_id)} · ${unitName(x.from_unit_id)}`} waitingFor={hours(x.waiting_hours)} />
            ))}
          </tbody>
        </table>
      )}
      <p id="pl-keys" className="muted small keys-hint">{t('pl.keys')}</p>
    </section>
  );
}

function Row({ x, selected, waits, onSelect, from, waitingFor }: {
  x: Placement; selected: boolean; waits: boolean; onSelect: () => void; from: string; waitingFor: string;
}) {
  const { t } = useI18n();
  return (
    <tr className={`transfer-row pl-row-${x.state}${selected ? ' selected' : ''}${waits ? ' waits' : ''}`} data-placement={x.id}
      data-state={x.state} aria-selected={selected} tabIndex={-1} onFocus={onSelect} onClick={onSelect}>
      <td>
        <span className={`badge ts pl-${x.state}`} data-placement-state={x.state}><span className="dot" aria-hidden="true" />{t(plStateKey(x.state))}</span>
        {waits && <span className="badge ts-waits small"> {t('pl.waitsOnYou')}</span>}
      </td>
      <td data-col="care">{t(careTypeKey(x.care_type))}</td>
      <td data-col="from">{from}</td>
      <td className="c-summary"><a href={href({ name: 'placement', id: x.id })} title={x.needs}>{truncate(x.needs, 80)}</a></td>
      <td className="num" data-col="waiting">{waitingFor}</td>
      <td className="num" data-col="wrong-bed">{t('pl.days', { n: x.wrong_bed_days.toFixed(1) })}</td>
      <td className="num" data-col="offers">{openOffers(x)}</td>
    </tr>
  );
}
