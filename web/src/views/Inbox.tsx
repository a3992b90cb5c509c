import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useOrgName, useRegionData } from '../data';
import { useLiveQuery } from '../live';
import { ApiError, cases } from '../api';
import { formatClock } from '../lib/age';
import { complaintName, hasInbox, worklistBefore } from '../lib/cases';
import { useComplaints } from '../components/ComplaintPicker';
import { AnswerTimer, FetchedAt, HandoverBadge, RepeatFlag, StateBadge, UrgencyBadge, WaitTime } from '../components/CaseBits';
import { HandoverAnswer } from '../components/HandoverAnswer';
import { SbarView } from './CaseView';
import { href } from '../router';
import type { HandoverState, HandoverWithCase, User } from '../types';

const ORDER: Record<HandoverState, number> = { requested: 0, accepted: 1, rejected: 2, completed: 2, cancelled: 2 };

/** Waiting for an answer first (most urgent, longest waiting first), then accepted, then the rest as sent. */
export function inboxOrder(items: HandoverWithCase[]): HandoverWithCase[] {
  return items.map((h, i) => ({ h, i })).sort((a, b) => ORDER[a.h.state] - ORDER[b.h.state]
    || (a.h.state === 'requested' && b.h.state === 'requested' ? worklistBefore(a.h.case, b.h.case) : 0) || a.i - b.i).map((x) => x.h);
}

/**
 * The partner's inbox: handovers addressed to the user's organisation, with the SBAR and the answer deadline,
 * accepted or declined here (If-Match: the handover's version). Refetched live on handover events to the
 * organisation and on events of the cases shown.
 */
export function Inbox({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { detail } = useRegionData();
  const now = useNow(1000);
  const names = useComplaints();
  const [all, setAll] = useState(false);
  const shown = useRef(new Set<string>());
  const load = useCallback(() => cases.inbox(all ? 'all' : 'open'), [all]);
  const org = user.organization_id;
  const live = useLiveQuery(load, (e, type) => (type === 'handover' && e.handover?.to_organization_id === org) || shown.current.has(e.case_id));
  const items = useMemo(() => inboxOrder(live.data?.items ?? []), [live.data]);
  useEffect(() => { shown.current = new Set(items.map((h) => h.case_id)); }, [items]);
  const orgNameOf = useOrgName();
  const orgName = orgNameOf(org);
  const waiting = items.filter((h) => h.state === 'requested').length;

  if (!hasInbox(user)) return <section className="view"><p className="empty">{t('inbox.noAccess')}</p></section>;
  const forbidden = live.error instanceof ApiError && live.error.status === 403;

  return (
    <section className="view inbox" aria-labelledby="inbox-title">
      <div className="view-head">
        <h1 id="inbox-title">{t('inbox.title', { org: orgName })}</h1>
        <span className={waiting ? 'badge hs hs-requested' : 'muted'} data-testid="inbox-waiting">{t('inbox.waiting', { n: waiting })}</span>
        <label className="check">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> {t('inbox.showAll')}
        </label>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {live.error && (
        <div className="banner error" role="alert">{forbidden ? t('inbox.noAccess') : t('loadError', { detail: live.error.message })}</div>
      )}
      {live.loading && !live.data && <p className="muted">{t('loading')}</p>}
      {live.data && items.length === 0 && <p className="empty" data-testid="inbox-empty">{t('inbox.empty')}</p>}
      <ul className="inbox-list" data-testid="inbox">
        {items.map((h) => {
          const c = h.case;
          return (
            <li key={h.id} className={`inbox-item hs-${h.state}`} data-handover-id={h.id} data-case={c.id} data-state={h.state}>
              <div className="ho-head">
                <UrgencyBadge urgency={c.urgency} long />
                <HandoverBadge state={h.state} />
                <b className="ho-complaint">{c.complaint ? complaintName(names.get(c.complaint), lang, c.complaint) : t('case.title')}</b>
                {c.repeat_contact && <RepeatFlag />}
                {h.state === 'requested' && <span className="head-item"><span className="muted">{t('inbox.answerIn')}</span> <AnswerTimer due={h.due_at} now={now} /></span>}
                {h.escalations > 0 && <span className="badge late-badge">{t('ho.escalations', { n: h.escalations })}</span>}
                <span className="muted small">{t('inbox.requestedAt', { time: formatClock(Date.parse(h.requested_at), lang), who: h.requested_by })}</span>
              </div>
              <div className="ho-meta small">
                <span>{t(`channel.${c.channel}`)}</span>
                <span>{t('case.wait')} <b><WaitTime since={c.received_at} now={now} until={c.closed_at} /></b></span>
                <StateBadge state={c.state} />
                {h.to_unit_id && <span className="muted">{detail?.units.find((u) => u.id === h.to_unit_id)?.name ?? h.to_unit_id}</span>}
                <a href={href({ name: 'case', id: c.id })}>{t('inbox.openCase')}</a>
              </div>
              <SbarView h={h} />
              {h.reason && <p className="small">{t('ho.reason', { reason: h.reason })}</p>}
              <HandoverAnswer h={h} onStale={live.reload} onDone={() => live.reload()} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
