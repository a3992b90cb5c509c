import { useCallback, useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n';
import { cases } from '../api';
import { formatAge } from '../lib/age';
import { deviationBody, formatDistance, isChosen, liveAgeSeconds, localText, takeBody } from '../lib/pathways';
import type { Msg } from '../lib/validation';
import { useChange } from '../useChange';
import { TextArea, useFieldMessages, formKeys } from './Fields';
import { StaleBadge, typeLabel } from './Status';
import type { CapacityRow, CaseDetail, Proposal, ProposedAction, ProposedPathway } from '../types';

/**
 * "Voorstel": the care pathways the rules engine proposes for the case now, each action with the live
 * capacity of the partners who could do it (free / occupied, data age with the stale flag, distance), a
 * "Kies" per action and "Afwijken" with a required reason. Both send POST /cases/{id}/pathway with
 * If-Match: the case version shown. Reloaded whenever the case changes (its version).
 */
export function ProposalPanel({ c, now, onDone, orgName }: {
  c: CaseDetail; now: number; onDone: (next: CaseDetail) => void; orgName: (id: string | null) => string;
}) {
  const { t, lang } = useI18n();
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [fetchedAt, setFetchedAt] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deviating, setDeviating] = useState<string | null>(null);  // the pathway id being deviated from
  const load = useCallback(async () => {
    try {
      const p = await cases.proposal(c.id);
      setProposal(p); setFetchedAt(Date.now()); setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [c.id]);
  useEffect(() => { void load(); }, [load, c.version]);
  const change = useChange(load);
  const open = c.state !== 'closed';

  const take = (p: ProposedPathway, a: ProposedAction) =>
    change.run([], () => cases.decidePathway(c.id, c.version, takeBody(p, a.code)), onDone);

  return (
    <section className="panel proposal" aria-labelledby="proposal-title" data-testid="proposal">
      <h2 id="proposal-title">{t('proposal.title')}</h2>
      {c.pathway && (
        <p className="ok small" data-testid="proposal-decided">
          {c.pathway.action
            ? t('proposal.decidedAction', { pathway: c.pathway.id, v: c.pathway.version, action: c.pathway.action })
            : t('proposal.decidedDeviation', { pathway: c.pathway.id, v: c.pathway.version, reason: c.pathway.deviation_reason ?? '' })}
        </p>
      )}
      {error && <p className="error" role="alert">{t('loadError', { detail: error })}</p>}
      {!proposal && !error && <p className="muted">{t('proposal.loading')}</p>}
      {proposal && proposal.pathways.length === 0 && <p className="muted" data-testid="proposal-none">{t('proposal.none')}</p>}
      {proposal && proposal.pathways.length > 0 && (
        <p className="muted small">
          {proposal.origin_organization_id ? t('proposal.origin', { org: orgName(proposal.origin_organization_id) }) : t('proposal.noOrigin')}
        </p>
      )}
      {!open && proposal && proposal.pathways.length > 0 && <p className="muted small">{t('proposal.closed')}</p>}
      {change.general && !deviating && <p className="error" role="alert" data-testid="proposal-error">{change.general}</p>}
      {proposal?.pathways.map((p) => (
        <article key={p.id} className="pathway" data-pathway={p.id} data-version={p.version}>
          <header className="pathway-head">
            <h3>{localText(p.name, lang)}</h3>
            <span className="muted small">{t('proposal.version', { v: p.version })}</span>
            {p.fallback && <span className="badge">{t('proposal.fallback')}</span>}
            {open && (
              <button type="button" className="btn quiet" data-testid="proposal-deviate" aria-expanded={deviating === p.id}
                onClick={() => { change.clear(); setDeviating(deviating === p.id ? null : p.id); }}>
                {t('proposal.deviate')}
              </button>
            )}
          </header>
          {p.unchecked.length > 0 && (
            <p className="notice small" data-testid="proposal-unchecked">
              {t('proposal.unchecked', { conditions: p.unchecked.map((u) => t(`proposal.cond.${u}`)).join(', ') })}
            </p>
          )}
          {deviating === p.id && open && (
            <DeviationForm p={p} busy={change.busy} server={change.server} general={change.general}
              onCancel={() => { setDeviating(null); change.clear(); }}
              send={(body) => change.run(['deviation_reason'], () => cases.decidePathway(c.id, c.version, body),
                (next) => { setDeviating(null); onDone(next); })} />
          )}
          <ol className="pathway-actions">
            {p.actions.map((a) => {
              const chosen = isChosen(c.pathway, p, a.code);
              return (
                <li key={a.code} data-action={a.code} className={chosen ? 'is-chosen' : undefined}>
                  <div className="action-head">
                    <b>{localText(a.description, lang)}</b>
                    {a.partner && <span className="muted small">{t('proposal.partner', { type: t(`org.${a.partner}`) })}{a.unit ? ` · ${typeLabel(t, a.unit)}` : ''}</span>}
                    {chosen && <span className="badge ed-open" data-testid="proposal-chosen"><span className="dot" aria-hidden="true" />{t('proposal.chosen')}</span>}
                    {open && !chosen && (
                      <button type="button" className="btn primary" data-testid="proposal-choose" disabled={change.busy}
                        title={t('proposal.chooseTitle', { action: a.code, pathway: localText(p.name, lang) })}
                        onClick={() => { setDeviating(null); void take(p, a); }}>
                        {t('proposal.choose')}
                      </button>
                    )}
                  </div>
                  {a.partner ? <CapacityTable rows={a.capacity} fetchedAt={fetchedAt} now={now} /> : <p className="muted small">{t('proposal.zcc')}</p>}
                </li>
              );
            })}
          </ol>
          <details className="small muted"><summary>{t('proposal.source')}</summary><p>{p.source}</p>{p.rationale && <p>{p.rationale}</p>}</details>
        </article>
      ))}
    </section>
  );
}

function CapacityTable({ rows, fetchedAt, now }: { rows: CapacityRow[]; fetchedAt: number | null; now: number }) {
  const { t, lang } = useI18n();
  if (rows.length === 0) return <p className="muted small">{t('proposal.noPartners')}</p>;
  return (
    <table className="grid compact capacity-rows" data-testid="proposal-capacity">
      <thead><tr><th>{t('proposal.col.partner')}</th><th>{t('proposal.col.beds')}</th><th>{t('proposal.col.age')}</th><th>{t('proposal.col.distance')}</th></tr></thead>
      <tbody>
        {rows.map((r) => {
          const age = liveAgeSeconds(r, fetchedAt, now);
          return (
            <tr key={`${r.organization_id}/${r.unit_id ?? ''}`} className={r.stale ? 'is-stale' : undefined} data-unit={r.unit_id ?? ''}>
              <td>{r.organization_name}{r.unit_name && <span className="muted"> · {r.unit_name}</span>}</td>
              <td className="free">{r.beds ? t('proposal.beds', { free: r.beds.available, occupied: r.beds.occupied }) : <span className="muted">{t('proposal.noBeds')}</span>}</td>
              <td title={r.reported_at ?? undefined}>{r.stale && <StaleBadge />} {age == null ? t('noData') : formatAge(age, lang)}</td>
              <td>{formatDistance(r.distance_km, lang)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function DeviationForm({ p, busy, server, general, send, onCancel }: {
  p: ProposedPathway; busy: boolean; server: Record<string, string>; general: string | null;
  send: (body: NonNullable<ReturnType<typeof deviationBody>['body']>) => Promise<unknown>; onCancel: () => void;
}) {
  const { t, lang } = useI18n();
  const ref = useRef<HTMLFormElement>(null);
  const [reason, setReason] = useState('');
  const [own, setOwn] = useState<Record<string, Msg>>({});
  const msg = useFieldMessages(own, server);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const r = deviationBody(p, reason);
    setOwn(r.error ? { deviation_reason: r.error } : {});
    if (!r.body) { ref.current?.querySelector('textarea')?.focus(); return; }
    await send(r.body);
  };
  return (
    <form ref={ref} className="step-form" onSubmit={submit} noValidate data-testid="proposal-deviation"
      aria-label={t('proposal.deviateTitle', { pathway: localText(p.name, lang) })}
      onKeyDown={(e) => {
        formKeys(ref.current)(e);
        if (e.key === 'Escape' && !e.defaultPrevented) { e.preventDefault(); onCancel(); }
      }}>
      <TextArea name="deviation_reason" label={t('proposal.reason')} className="grow" value={reason} onChange={setReason}
        error={msg('deviation_reason')} required autoFocus />
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={busy}>{busy ? t('intake.saving') : t('proposal.deviateSend')}</button>
        <span className="muted small">{t('form.ctrlEnter')}</span>
        <button type="button" className="link-btn" onClick={onCancel}>{t('form.cancel')} (Esc)</button>
        {general && <span className="error" role="alert">{general}</span>}
      </div>
    </form>
  );
}
