import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName, useRegionData } from '../data';
import { useTransferQuery } from '../live';
import { ApiError, transfers } from '../api';
import { formatAge, formatDateTime } from '../lib/age';
import { moveSelection, truncate } from '../lib/cases';
import {
  boardOrder, boardScope, eventConcerns, isPending, mayCreateTransfer, readsTransfers, waitsOnMe, withSeenApproval, type Approval, type Transfer,
} from '../lib/transfers';
import { FetchedAt } from '../components/CaseBits';
import { typeLabel } from '../components/Status';
import { ApprovalBadge, TransferStateBadge, useUnitName } from '../components/TransferBits';
import { isTyping } from './Worklist';
import { go, href } from '../router';
import type { User } from '../types';

type StateFilter = 'open' | 'closed' | 'all';

/**
 * The transfer board: the open transfers of the user's organisation (its users) or of the region (everyone
 * else), filter open/closed/all; the ones waiting on the user's organisation first. Refetched (debounced) on
 * the `transfer` events it shows; j/k or ↑/↓ to move, Enter to open, n for a new transfer.
 */
export function Transfers({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { regionId, onTransferEvent } = useRegionData();
  const now = useNow(1000);
  const orgName = useOrgName();
  const unitName = useUnitName();
  const [state, setState] = useState<StateFilter>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const tableRef = useRef<HTMLTableElement>(null);
  const scope = boardScope(user);

  const load = useCallback(() => transfers.list(scope === 'region' ? { region: regionId, state } : { state }), [scope, regionId, state]);
  const live = useTransferQuery(load, (e) => eventConcerns(e, user));
  // The approval an event announced shows on its row at once; the refetch it causes brings the rest.
  const [seen, setSeen] = useState<ReadonlyMap<string, { version: number; approval: Approval }>>(new Map());
  useEffect(() => onTransferEvent((e) => {
    const approval = e?.approval;
    if (!e || !approval) return;
    setSeen((m) => new Map(m).set(e.transfer_id, { version: e.version, approval }));
  }), [onTransferEvent]);
  const items = useMemo(() => boardOrder(withSeenApproval(live.data?.items ?? [], seen), user), [live.data, seen, user]);
  const index = selected ? items.findIndex((x) => x.id === selected) : -1;
  const waiting = items.filter((x) => waitsOnMe(x, user)).length;
  const canCreate = mayCreateTransfer(user);

  // Keys for the list before the app's shortcuts (capture phase), as in the worklist: "k" moves here.
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
        case 'n': if (canCreate) { e.preventDefault(); go({ name: 'transferNew' }); } break;
        case 'Enter': {
          const el = e.target as HTMLElement;
          const inList = el === document.body || el.id === 'main' || !!tableRef.current?.contains(el);
          if (index >= 0 && inList) { e.preventDefault(); go({ name: 'transfer', id: items[index].id }); }
          break;
        }
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [index, items, canCreate]);

  useEffect(() => {
    if (!selected) return;
    const link = tableRef.current?.querySelector<HTMLElement>(`tr[data-transfer="${CSS.escape(selected)}"] a`);
    const active = document.activeElement as HTMLElement | null;
    const typing = active && ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName);
    if (link && !typing && active !== link) link.focus({ preventScroll: true });
    link?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  if (!readsTransfers(user)) return <section className="view"><p className="empty">{t('tr.noAccess')}</p></section>;
  const forbidden = live.error instanceof ApiError && live.error.status === 403;
  const title = scope === 'organization' ? t('tr.titleOrg', { org: orgName(user.organization_id) }) : t('tr.title');

  return (
    <section className="view transfers" aria-labelledby="tr-title">
      <div className="view-head">
        <h1 id="tr-title">{title}</h1>
        {canCreate && (
          <a className="btn primary" href={href({ name: 'transferNew' })} aria-keyshortcuts="n" data-testid="new-transfer">
            {t('tr.new')}<kbd className="on-dark">n</kbd>
          </a>
        )}
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            <span>{t('tr.stateFilter')}</span>
            <select id="tr-state" value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
              {(['open', 'closed', 'all'] as const).map((s) => <option key={s} value={s}>{t(`tr.filter.${s}`)}</option>)}
            </select>
          </label>
        </form>
        <span className="wl-counts" data-testid="transfer-count">
          <b>{t('tr.count', { n: items.length })}</b>
          {waiting > 0 && <span className="badge ts-waits" data-testid="transfer-waiting">⚠ {t('tr.waiting', { n: waiting })}</span>}
        </span>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {live.error && !forbidden && (
        <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })} <button type="button" className="link-btn" onClick={live.reload}>{t('retry')}</button></div>
      )}
      {forbidden && <p className="error">{t('tr.noAccess')}</p>}
      {live.loading && !live.data && <p className="muted">{t('loading')}</p>}
      {live.data && items.length === 0 && <p className="empty" data-testid="transfers-empty">{t(state === 'open' ? 'tr.empty' : 'tr.emptyAll')}</p>}
      {items.length > 0 && (
        <table className="grid transfer-table" data-testid="transfers" ref={tableRef} aria-describedby="tr-keys">
          <thead>
            <tr>
              <th scope="col">{t('col.state')}</th>
              <th scope="col">{t('tr.col.from')}</th>
              <th scope="col">{t('tr.col.to')}</th>
              <th scope="col">{t('tr.col.careType')}</th>
              <th scope="col" className="c-summary">{t('tr.col.reason')}</th>
              <th scope="col">{t('tr.col.requested')}</th>
              <th scope="col">{t('tr.col.planned')}</th>
              <th scope="col" className="num">{t('tr.col.changed')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((x, i) => (
              <Row key={x.id} x={x} selected={i === index} waits={waitsOnMe(x, user)} onSelect={() => setSelected(x.id)}
                from={`${orgName(x.from_organization_id)} · ${unitName(x.from_unit_id)}`}
                to={`${orgName(x.to_organization_id)} · ${unitName(x.to_unit_id)}`}
                requested={formatDateTime(x.requested_at, lang)}
                planned={x.planned_at ? formatDateTime(x.planned_at, lang) : ''}
                changed={formatAge(Math.max(0, (now - Date.parse(x.updated_at)) / 1000), lang)} />
            ))}
          </tbody>
        </table>
      )}
      <p id="tr-keys" className="muted small keys-hint">{t('tr.keys')}</p>
    </section>
  );
}

function Row({ x, selected, waits, onSelect, from, to, requested, planned, changed }: {
  x: Transfer; selected: boolean; waits: boolean; onSelect: () => void; from: string; to: string; requested: string; planned: string; changed: string;
}) {
  const { t } = useI18n();
  return (
    <tr className={`transfer-row ts-row-${x.state}${selected ? ' selected' : ''}${waits ? ' waits' : ''}${isPending(x) ? ' pending' : ''}`} data-transfer={x.id}
      data-state={x.state} data-approval={x.approval ?? 'not-required'} aria-selected={selected}
      onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) go({ name: 'transfer', id: x.id }); }}>
      <td>
        <TransferStateBadge state={x.state} />
        <ApprovalBadge approval={x.approval} />
        {waits && <span className="badge ts-waits small"> {t('tr.waitsOnYou')}</span>}
      </td>
      <td data-col="from">{from}</td>
      <td data-col="to">{to}</td>
      <td>{typeLabel(t, x.care_type)}</td>
      <td className="c-summary">
        <a href={href({ name: 'transfer', id: x.id })} title={x.reason} onFocus={onSelect}>{truncate(x.reason, 80)}</a>
        {x.has_patient && <span className="muted small"> · {t('tr.hasPatient')}</span>}
      </td>
      <td>{requested}</td>
      <td>{planned || <span className="muted">—</span>}</td>
      <td className="num" data-col="changed">{changed}</td>
    </tr>
  );
}
