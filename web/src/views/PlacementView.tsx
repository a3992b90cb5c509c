import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { useOrgName, useRegionData } from '../data';
import { ApiError, placements } from '../api';
import {
  careTypeKey, criterionLabel, DECLINE_REASONS, declineKey, mayAnswer, mayCancel, mayOffer, mayReadMatches, mobilityKey, offerStateKey,
  plStateKey, type Matches, type Offer, type Placement,
} from '../lib/placements';
import { useUnitName } from '../components/TransferBits';
import { href } from '../router';
import type { User } from '../types';

/**
 * One placement: its profile, the matches ranked by the server with every criterion's pass or fail and why, units
 * to select and offer (If-Match), the offers with their state, and for the provider an open offer's "Accepteren" /
 * "Afwijzen met reden". 412 reloads and says so; after acceptance a link to the transfer.
 */
export function PlacementView({ id, user }: { id: string; user: User }) {
  const { t } = useI18n();
  const orgName = useOrgName();
  const unitName = useUnitName();
  const [p, setP] = useState<Placement | null>(null);
  const [m, setM] = useState<Matches | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [cancelReason, setCancelReason] = useState('');

  const load = useCallback(async () => {
    try {
      const x = await placements.get(id);
      setP(x); setError(null);
      if (mayReadMatches(x, user)) setM(await placements.matches(id));
    } catch (e) { setError((e as Error).message); }
  }, [id, user]);
  useEffect(() => { void load(); }, [load]);
  // Another desk or the provider changed it (or the stream resynchronised): show the stored state.
  const { onPlacementEvent } = useRegionData();
  useEffect(() => onPlacementEvent((e) => { if (e === null || e.id === id) void load(); }), [onPlacementEvent, id, load]);

  const act = async (fn: (version: number) => Promise<Placement>) => {
    if (!p || busy) return;
    setBusy(true); setNotice(null);
    try {
      setP(await fn(p.version)); setPicked(new Set());
      if (mayReadMatches(p, user)) setM(await placements.matches(id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) { setNotice(t('pl.stale')); await load(); }
      else setNotice((e as Error).message);
    } finally { setBusy(false); }
  };

  if (error) return <section className="view"><p className="error" role="alert">{t('loadError', { detail: error })}</p></section>;
  if (!p) return <section className="view"><p className="muted">{t('loading')}</p></section>;
  const canOffer = mayOffer(p, user);
  const offered = new Set(p.offers.filter((o) => o.state === 'open').map((o) => o.unit_id));
  const toggle = (unit: string) => setPicked((s) => { const n = new Set(s); if (n.has(unit)) n.delete(unit); else n.add(unit); return n; });

  return (
    <section className="view placement-view" aria-labelledby="plv-title" data-state={p.state}>
      <div className="view-head">
        <h1 id="plv-title">{t(careTypeKey(p.care_type))} · {orgName(p.from_organization_id)} · {unitName(p.from_unit_id)}</h1>
        <span className={`badge ts pl-${p.state}`} data-placement-state={p.state}><span className="dot" aria-hidden="true" />{t(plStateKey(p.state))}</span>
        <a href={href({ name: 'placements' })}>{t('pl.back')}</a>
      </div>
      {notice && <div className="banner warn" role="alert" data-testid="placement-notice">{notice}</div>}
      <p>{p.needs}</p>
      <p className="muted small">
        {[p.profile.dementia && t('pl.need.dementia'), p.profile.isolation && t('pl.need.isolation'), p.profile.oxygen && t('pl.need.oxygen'),
          p.profile.weight_kg != null && `${p.profile.weight_kg} kg`, t(mobilityKey(p.profile.mobility)),
          p.profile.age != null && t('pl.ageYears', { n: p.profile.age })].filter(Boolean).join(' · ')}
      </p>
      {p.state === 'cancelled' && p.cancel_reason && (
        <p data-testid="placement-cancel-reason">{t('pl.cancelledBecause', { reason: p.cancel_reason })}</p>
      )}
      {p.transfer_id && (
        <p data-testid="placement-transfer"><a href={href({ name: 'transfer', id: p.transfer_id })}>{t('pl.toTransfer')}</a></p>
      )}
      <h2>{t('pl.offers')}</h2>
      {p.offers.length === 0 ? <p className="muted">{t('pl.noOffers')}</p> : (
        <table className="grid" data-testid="offers"><tbody>
          {p.offers.map((o) => <OfferRow key={o.id} o={o} user={user} busy={busy}
            name={`${orgName(o.organization_id)} · ${unitName(o.unit_id)}`}
            onAnswer={(body) => act((v) => placements.answer(p.id, o.id, v, body))} />)}
        </tbody></table>
      )}
      {m && (
        <>
          <h2>{t('pl.matches')}</h2>
          <p className="muted" data-testid="matches-count">
            {t('pl.matchesShown', { shown: m.matches.length, total: m.total, fitting: m.fitting })}</p>
          <table className="grid" data-testid="matches">
            <thead><tr><th scope="col" /><th scope="col">{t('pl.unit')}</th><th scope="col" className="num">{t('pl.free')}</th>
              <th scope="col" className="num">{t('pl.distance')}</th><th scope="col">{t('pl.criteria')}</th></tr></thead>
            <tbody>
              {m.matches.map((x) => (
                <tr key={x.unit_id} data-unit={x.unit_id} data-fits={x.fits}>
                  <td>{canOffer && !offered.has(x.unit_id) && (
                    <input type="checkbox" aria-label={t('pl.pick', { unit: x.unit_name })} checked={picked.has(x.unit_id)} onChange={() => toggle(x.unit_id)} />
                  )}</td>
                  <td>{x.organization_name} · {x.unit_name}</td>
                  <td className="num" data-col="free">{x.free_beds}{x.stale && <span className="muted small"> ({t('stale')})</span>}</td>
                  <td className="num">{x.distance_km != null ? `${x.distance_km} km` : '—'}</td>
                  <td><ul className="crit">
                    {x.criteria.map((c) => {
                      const l = criterionLabel(c);
                      return <li key={c.criterion} className={c.ok ? 'ok-text' : 'error'} data-criterion={c.criterion} data-ok={c.ok}>
                        {c.ok ? '✓' : '✗'} {t(l.key, l.params)}</li>;
                    })}
                  </ul></td>
                </tr>
              ))}
            </tbody>
          </table>
          {canOffer && (
            <button type="button" className="btn primary" disabled={busy || picked.size === 0} data-testid="offer-submit"
              onClick={() => act((v) => placements.offer(p.id, v, m.matches.filter((x) => picked.has(x.unit_id))
                .map((x) => ({ organization_id: x.organization_id, unit_id: x.unit_id }))))}>
              {t('pl.offer', { n: picked.size })}
            </button>
          )}
        </>
      )}
      {mayCancel(p, user) && (
        <form className="placement-cancel" data-testid="placement-cancel"
          onSubmit={(e) => { e.preventDefault(); void act((v) => placements.cancel(p.id, v, cancelReason.trim())).then(() => setCancelReason('')); }}>
          <h2>{t('pl.cancel')}</h2>
          <label>{t('pl.cancelReason')}{' '}
            <input value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} maxLength={1000} data-testid="cancel-reason" />
          </label>{' '}
          <button type="submit" className="btn small" disabled={busy || !cancelReason.trim()} data-testid="cancel-submit">{t('pl.cancel')}</button>
        </form>
      )}
    </section>
  );
}

function OfferRow({ o, user, busy, name, onAnswer }: {
  o: Offer; user: User; busy: boolean; name: string; onAnswer: (b: { accept: boolean; reason?: string; text?: string }) => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  return (
    <tr data-offer={o.id} data-state={o.state}>
      <td>{name}</td>
      <td data-col="state">{t(offerStateKey(o.state))}{o.decline_reason && ` · ${t(declineKey(o.decline_reason))}`}{o.decline_text && ` · ${o.decline_text}`}</td>
      <td>{mayAnswer(o, user) && (
        <span className="offer-answer">
          <button type="button" className="btn primary small" disabled={busy} data-testid="offer-accept" onClick={() => onAnswer({ accept: true })}>{t('pl.accept')}</button>
          <select aria-label={t('pl.declineReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="decline-reason">
            <option value="">{t('pl.declineReason')}</option>
            {DECLINE_REASONS.map((r) => <option key={r} value={r}>{t(declineKey(r))}</option>)}
          </select>
          <input aria-label={t('pl.declineText')} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="button" className="btn small" disabled={busy || !reason || (reason === 'other' && !text.trim())} data-testid="offer-decline"
            onClick={() => onAnswer({ accept: false, reason, ...(text.trim() ? { text: text.trim() } : {}) })}>{t('pl.decline')}</button>
        </span>
      )}</td>
    </tr>
  );
}
