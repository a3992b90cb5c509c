import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { useOrgName, useRegionData } from '../data';
import { alertsUser, approvalKey, stateKey, type Approval, type TransferEvent, type TransferState } from '../lib/transfers';
import { formatClock } from '../lib/age';
import { href } from '../router';
import { typeLabel } from './Status';
import type { User } from '../types';

/** A transfer's state: colour AND text. */
export function TransferStateBadge({ state }: { state: TransferState }) {
  const { t } = useI18n();
  return <span className={`badge ts ts-${state}`} data-transfer-state={state}><span className="dot" aria-hidden="true" />{t(stateKey(state))}</span>;
}

/**
 * The coordinator's approval in a crisis: "Wacht op goedkeuring" (orange) while pending, "Goedgekeurd" (green, with
 * who when given); nothing when none is required.
 */
export function ApprovalBadge({ approval, by }: { approval: Approval | undefined; by?: string }) {
  const { t } = useI18n();
  if (approval !== 'pending' && approval !== 'approved') return null;
  const text = approval === 'approved' && by ? t('tr.approvedBy', { who: by }) : t(approvalKey(approval));
  return (
    <span className={`badge ta ta-${approval}`} data-approval={approval} title={approval === 'pending' ? t('tr.heldTitle') : undefined}>
      {approval === 'pending' ? '⚠ ' : '✓ '}{text}
    </span>
  );
}

/** A unit's name from the region's detail (its id until that has loaded, or when it is not in it). */
export function useUnitName(): (id: string | null | undefined) => string {
  const { detail } = useRegionData();
  return useCallback((id) => (id ? detail?.units.find((u) => u.id === id)?.name ?? id : ''), [detail]);
}

interface Alert { key: string; e: TransferEvent; at: number }

/**
 * The receiving organisation's alert: a new transfer request to answer, or a patient on the way. Shown on
 * every page (the event says `alert` for the receiving organisation), until the user marks it seen or opens it.
 */
export function TransferAlerts({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { onTransferEvent } = useRegionData();
  const orgName = useOrgName();
  const unitName = useUnitName();
  const [alerts, setAlerts] = useState<Alert[]>([]);

  useEffect(() => onTransferEvent((e) => {
    if (!e) return;
    // A later step of the same transfer replaces its alert (or ends it when it needs no attention any more).
    setAlerts((as) => {
      const rest = as.filter((a) => a.e.transfer_id !== e.transfer_id);
      return alertsUser(e, user) ? [...rest, { key: `${e.transfer_id}:${e.version}`, e, at: Date.now() }] : rest;
    });
  }), [onTransferEvent, user]);

  if (!alerts.length) return null;
  const drop = (key: string) => setAlerts((as) => as.filter((a) => a.key !== key));
  return (
    <div className="transfer-alerts" data-testid="transfer-alerts">
      {alerts.map(({ key, e, at }) => (
        <div key={key} className={`banner transfer-alert ts-alert-${e.state}`} role="alert" data-transfer-id={e.transfer_id} data-state={e.state}>
          <span className="badge ts-alert-badge">⚠ {t(e.state === 'en-route' ? 'tr.alert.enRouteTag' : 'tr.alert.requestTag')}</span>{' '}
          {t(e.state === 'en-route' ? 'tr.alert.enRoute' : 'tr.alert.requested', {
            unit: unitName(e.to_unit_id), from: orgName(e.from_organization_id), type: typeLabel(t, e.care_type),
          })}{' '}
          <span className="muted small">{formatClock(at, lang)}</span>{' '}
          <a href={href({ name: 'transfer', id: e.transfer_id })} onClick={() => drop(key)} data-testid="transfer-alert-open">{t('tr.alert.open')}</a>{' '}
          <button type="button" className="link-btn" onClick={() => drop(key)}>{t('tr.alert.seen')}</button>
        </div>
      ))}
    </div>
  );
}
