import { useCallback, useEffect, useMemo, useState } from 'react';
import { clearFlash, peekFlash, type Flash } from '../flash';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { useSpreadingQuery } from '../live';
import { ApiError, spreading } from '../api';
import { useChange } from '../useChange';
import { formatAge, formatDateTime } from '../lib/age';
import { ensureMap } from '../lib/echarts';
import { STATUS_COLOURS } from '../lib/status';
import {
  applyOps, careKey, constraintsChanged, fmtCost, notTransferredMsg, openPlaces, planRows, planSteps, planTotals, staleHospitals, storedConstraints,
  unplacedMsg, usedPlaces, type ConstraintOp, type Constraints, type PinIn, type PlanRow, type SpreadingPlan,
} from '../lib/spreading';
import { Chart } from '../components/Chart';
import { FetchedAt } from '../components/CaseBits';
import { PlanStateBadge } from './Spreading';
import { href } from '../router';
import type { User } from '../types';

const CARE_COLOURS = { ic: '#b4235a', ward: '#1f5fa8' } as const;

/**
 * One spreading plan: per patient where it goes and what that costs (or why it stays unplaced), the totals, the
 * stale hospitals and units left out, the age of the capacity used, a map with the hospitals' open places and a
 * line per assignment. "Vastzetten" / "Uitsluiten" collect pending pins and forbids; "Opnieuw berekenen" solves again
 * with If-Match (412 reloads and says so); "Goedkeuren" (confirmed) creates the transfers and lists them; "Verwerpen".
 * Refetched on the plan's live `spreading` events.
 */
export function SpreadingView({ id, user }: { id: string; user: User }) {
  const { t, lang } = useI18n();
  const now = useNow(1000);
  const { detail } = useRegionData();
  const load = useCallback(() => spreading.get(id), [id]);
  const live = useSpreadingQuery(load, (e) => e.id === id);
  const change = useChange(live.reload, 'sp.stale');
  const [ops, setOps] = useState<ConstraintOp[]>([]);
  const [confirm, setConfirm] = useState<'approve' | 'discard' | null>(null);
  const [flash, setFlash] = useState<Flash | null>(peekFlash);
  useEffect(() => { clearFlash(); }, []);
  const p = live.data;

  const names = useMemo(() => new Map((p?.hospitals ?? []).map((h) => [h.id, h.name])), [p]);
  const orgName = useCallback((oid: string | null) => (oid ? names.get(oid) ?? detail?.organizations.find((o) => o.id === oid)?.name ?? oid : ''), [names, detail]);
  const unitName = useCallback((uid: string) => detail?.units.find((u) => u.id === uid)?.name ?? uid, [detail]);

  if (!p) {
    const s = live.error instanceof ApiError ? live.error.status : 0;
    return (
      <section className="view spreading-view">
        <p><a href={href({ name: 'spreading' })}>{t('sp.back')}</a></p>
        {live.loading && <p className="muted">{t('loading')}</p>}
        {live.error && <p className="error" role="alert">{s === 403 ? t('sp.forbidden') : s === 404 ? t('sp.notFound') : t('loadError', { detail: live.error.message })}</p>}
      </section>
    );
  }

  const stored = storedConstraints(p);
  const cons = applyOps(stored, ops);
  const changed = constraintsChanged(stored, cons);
  const steps = planSteps(p, user);
  const rows = planRows(p, cons);
  const totals = planTotals(p.plan);
  const stale = staleHospitals(p);
  const solvedAge = p.solved_at ? formatAge(Math.max(0, (now - Date.parse(p.solved_at)) / 1000), lang) : null;
  const edit = (op: ConstraintOp) => { setOps((l) => [...l, op]); setFlash(null); change.clear(); };
  const done = (key: string) => (v: SpreadingPlan) => { live.set(v); setOps([]); setConfirm(null); setFlash({ text: t(key), kind: 'ok' }); };
  // No form fields here: every field error of a re-solve (pins[0].hospital …) is one message above the plan.
  const solve = () => change.run([], () => spreading.solve(p.id, p.version, { pins: cons.pins, forbids: cons.forbids }), done('sp.solved'));
  const approve = () => change.run([], () => spreading.approve(p.id, p.version), done('sp.approved'));
  const discard = () => change.run([], () => spreading.discard(p.id, p.version), done('sp.discarded'));

  return (
    <section className="view spreading-view" aria-labelledby="spv-title" data-state={p.state} data-plan-id={p.id} data-version={p.version}>
      <div className="view-head">
        <a href={href({ name: 'spreading' })}>{t('sp.back')}</a>
        <h1 id="spv-title">{t('sp.detailTitle', { id: p.id })}</h1>
        <PlanStateBadge state={p.state} />
        <span className="muted small">{t('sp.version', { v: p.version })}</span>
        <FetchedAt at={live.fetchedAt} now={now} />
      </div>
      {flash && !change.general && <p className={flash.kind === 'ok' ? 'ok flash' : 'notice flash'} role="status" data-testid="flash">{flash.text}</p>}
      {change.general && <p className="notice flash" role="alert" data-testid="plan-message">{change.general}</p>}
      {live.error && <div className="banner error" role="alert">{t('loadError', { detail: live.error.message })}</div>}

      <section className="panel">
        <dl className="kv case-kv" data-testid="plan-totals">
          <div><dt>{t('sp.col.patients')}</dt><dd data-col="patients">{totals.patients}</dd></div>
          <div><dt>{t('sp.col.placed')}</dt><dd data-col="placed">{totals.placed}</dd></div>
          <div><dt>{t('sp.unplaced')}</dt><dd data-col="unplaced" className={totals.unplaced ? 'error' : undefined}>{totals.unplaced}</dd></div>
          <div><dt>{t('sp.col.totalCost')}</dt><dd data-col="total-cost" title={String(p.plan.total_cost)}>{fmtCost(p.plan.total_cost, lang)}</dd></div>
          <div><dt>{t('sp.travelSum')}</dt><dd>{fmtCost(totals.travel, lang)} min</dd></div>
          <div><dt>{t('sp.outsideN')}</dt><dd>{totals.outside}</dd></div>
          <div><dt>{t('sp.regions')}</dt><dd>{p.regions.join(', ')}</dd></div>
          <div><dt>{t('sp.createdBy')}</dt><dd>{p.created_by} · {formatDateTime(p.created_at, lang)}</dd></div>
          <div data-testid="capacity-age"><dt>{t('sp.capacityAge')}</dt>
            <dd>{p.solved_at ? t('sp.capacityAt', { time: formatDateTime(p.solved_at, lang), age: solvedAge ?? '—' }) : '—'}</dd></div>
          {p.approved_by && <div><dt>{t('sp.approvedBy')}</dt><dd>{p.approved_by} · {p.approved_at ? formatDateTime(p.approved_at, lang) : ''}</dd></div>}
          {p.note && <div className="wide"><dt>{t('sp.note')}</dt><dd className="pre">{p.note}</dd></div>}
        </dl>
      </section>

      {(stale.length > 0 || p.left_out_units.length > 0) && (
        <section className="panel sp-stale" data-testid="left-out" aria-labelledby="sp-stale-title">
          <h2 id="sp-stale-title"><span className="badge stale-badge">⚠ {t('stale')}</span> {t('sp.leftOutTitle')}</h2>
          <p className="small">{t('sp.leftOutHint')}</p>
          <ul>
            {stale.map((x) => <li key={`h-${x.hospital}-${x.care_type}`} data-hospital={x.hospital}>{orgName(x.hospital)} · {t(careKey(x.care_type))}: <b>{t('sp.leftOut')}</b></li>)}
            {p.left_out_units.map((u) => <li key={`u-${u.unit}`} data-unit={u.unit}>{orgName(u.organization)} · {unitName(u.unit)} ({t(careKey(u.care_type))}): <b>{t('sp.leftOut')}</b></li>)}
          </ul>
        </section>
      )}

      {p.state === 'approved' && <ApprovalResult p={p} name={(pid) => rows.find((r) => r.patient.id === pid)?.patient.label || pid} />}

      <div className="sp-main">
        <h2>{t('sp.assignments')}</h2>
        <table className="grid sp-table" data-testid="plan-rows">
          <thead>
            <tr>
              <th scope="col">{t('sp.col.patient')}</th>
              <th scope="col">{t('sp.col.from')}</th>
              <th scope="col">{t('sp.col.to')}</th>
              <th scope="col">{t('sp.col.care')}</th>
              <th scope="col" className="num">{t('sp.col.travel')}</th>
              <th scope="col" className="num">{t('sp.col.load')}</th>
              <th scope="col" className="num">{t('sp.col.outside')}</th>
              <th scope="col" className="num">{t('sp.col.cost')}</th>
              {steps.solve && <th scope="col">{t('sp.col.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => <Row key={r.patient.id} r={r} p={p} orgName={orgName} unitName={unitName} editable={steps.solve}
              onPin={(h) => edit({ op: 'pin', x: { patient: r.patient.id, hospital: h } })}
              onForbid={(h) => edit({ op: 'forbid', x: { patient: r.patient.id, hospital: h } })} />)}
          </tbody>
        </table>
      </div>
      <div className="sp-layout">
        <div className="sp-lower">
          {(steps.solve || cons.pins.length + cons.forbids.length > 0) && (
            <section className="panel sp-constraints" data-testid="constraints" aria-labelledby="sp-cons-title">
              <h2 id="sp-cons-title">{t('sp.constraints')}{changed && <span className="badge ts-waits small"> {t('sp.pendingBadge')}</span>}</h2>
              {cons.pins.length + cons.forbids.length === 0 && <p className="muted small">{t('sp.noConstraints')}</p>}
              <ul>
                {cons.pins.map((x) => <ConstraintItem key={`p-${x.patient}`} kind="pins" x={x} stored={stored} orgName={orgName} editable={steps.solve}
                  onRemove={() => edit({ op: 'unpin', x })} />)}
                {cons.forbids.map((x) => <ConstraintItem key={`f-${x.patient}-${x.hospital}`} kind="forbids" x={x} stored={stored} orgName={orgName}
                  editable={steps.solve} onRemove={() => edit({ op: 'unforbid', x })} />)}
              </ul>
              {steps.solve && (
                <div className="form-actions">
                  <button type="button" className="btn primary" disabled={change.busy} onClick={() => { void solve(); }} data-testid="plan-solve">
                    {change.busy ? t('sp.solving') : t('sp.solve')}
                  </button>
                  {changed && <button type="button" className="btn small" onClick={() => setOps([])}>{t('sp.undoPending')}</button>}
                  <span className="muted small">{t('sp.solveHint')}</span>
                </div>
              )}
            </section>
          )}
          {(steps.approve || steps.discard) && (
            <div className="form-actions sp-decide">
              <button type="button" className="btn primary" disabled={change.busy || changed} onClick={() => setConfirm('approve')} data-testid="plan-approve"
                title={changed ? t('sp.approvePending') : undefined}>{t('sp.approve')}</button>
              <button type="button" className="btn" disabled={change.busy} onClick={() => setConfirm('discard')} data-testid="plan-discard">{t('sp.discard')}</button>
              {changed && <span className="muted small">{t('sp.approvePending')}</span>}
            </div>
          )}
        </div>
        <aside className="sp-side">
          <SpreadMap p={p} rows={rows} orgName={orgName} />
        </aside>
      </div>
      {confirm && (
        <ConfirmDialog title={t(confirm === 'approve' ? 'sp.confirmApproveTitle' : 'sp.confirmDiscardTitle')}
          text={confirm === 'approve' ? t('sp.confirmApprove', { n: totals.placed }) : t('sp.confirmDiscard')}
          ok={t(confirm === 'approve' ? 'sp.approve' : 'sp.discard')} busy={change.busy}
          onOk={() => { void (confirm === 'approve' ? approve() : discard()).then(() => setConfirm(null)); }} onCancel={() => setConfirm(null)} />
      )}
    </section>
  );
}

function Row({ r, p, orgName, unitName, editable, onPin, onForbid }: {
  r: PlanRow; p: SpreadingPlan; orgName: (id: string | null) => string; unitName: (id: string) => string; editable: boolean;
  onPin: (hospital: string) => void; onForbid: (hospital: string) => void;
}) {
  const { t, lang } = useI18n();
  const a = r.a;
  const to = a?.hospital ?? null;
  const reason = a && !to ? unplacedMsg(a.unplaced_reason) : null;
  const choices = p.hospitals.filter((h) => h.id !== r.patient.from_organization && h.id !== to);
  return (
    <tr data-patient={r.patient.id} data-hospital={to ?? ''} className={to ? undefined : 'sp-unplaced'}>
      <td data-col="patient"><b>{r.patient.id}</b>{r.patient.label && <span className="muted small"> · {r.patient.label}</span>}</td>
      <td data-col="from">{orgName(r.patient.from_organization)} · {unitName(r.patient.from_unit)}</td>
      <td data-col="to">
        {to ? orgName(to) : <span className="error" data-testid="unplaced">{t('sp.notPlaced')}: {reason ? t(reason.key, reason.params) : ''}</span>}
        {r.pinned && <span className="badge small sp-pin" data-testid="pinned"> 📌 {t('sp.pinnedTo', { h: orgName(r.pinned) })}</span>}
        {r.forbidden.length > 0 && <span className="muted small" data-testid="forbidden"> · {t('sp.forbiddenList', { h: r.forbidden.map(orgName).join(', ') })}</span>}
      </td>
      <td data-col="care">{t(careKey(r.patient.needs))}</td>
      <td className="num" data-col="travel">{a && to ? fmtCost(a.travel, lang) : '—'}</td>
      <td className="num" data-col="load">{a && to ? fmtCost(a.load, lang) : '—'}</td>
      <td className="num" data-col="outside">{a && to ? (a.outside_region > 0 ? t('sp.outsideYes', { v: fmtCost(a.outside_region, lang) }) : t('sp.outsideNo')) : '—'}</td>
      <td className="num" data-col="cost" title={a ? String(a.cost) : undefined}>{a ? fmtCost(a.cost, lang) : '—'}</td>
      {editable && (
        <td className="sp-actions">
          <button type="button" className="btn small" disabled={!to || r.pinned === to} onClick={() => to && onPin(to)} data-testid="pin">{t('sp.pin')}</button>
          <button type="button" className="btn small" disabled={!to} onClick={() => to && onForbid(to)} data-testid="forbid">{t('sp.forbid')}</button>
          <select aria-label={t('sp.pinTo', { id: r.patient.id })} value="" data-testid="pin-to"
            onChange={(e) => { if (e.target.value) onPin(e.target.value); }}>
            <option value="">{t('sp.pinToChoose')}</option>
            {choices.map((h) => <option key={h.id} value={h.id}>{h.name}</option>)}
          </select>
        </td>
      )}
    </tr>
  );
}

function ConstraintItem({ kind, x, stored, orgName, editable, onRemove }: {
  kind: 'pins' | 'forbids'; x: PinIn; stored: Constraints; orgName: (id: string) => string; editable: boolean; onRemove: () => void;
}) {
  const { t } = useI18n();
  const isNew = !stored[kind].some((y) => y.patient === x.patient && y.hospital === x.hospital);
  return (
    <li data-kind={kind} data-patient={x.patient} data-hospital={x.hospital} data-pending={isNew}>
      {t(kind === 'pins' ? 'sp.pinItem' : 'sp.forbidItem', { p: x.patient, h: orgName(x.hospital) })}
      {isNew && <span className="muted small"> ({t('sp.pendingItem')})</span>}
      {editable && <button type="button" className="link-btn small" onClick={onRemove} aria-label={t('sp.removeConstraint')}> ✕</button>}
    </li>
  );
}

function ApprovalResult({ p, name }: { p: SpreadingPlan; name: (patient: string) => string }) {
  const { t } = useI18n();
  return (
    <section className="panel sp-approved" data-testid="approval" aria-labelledby="sp-appr-title">
      <h2 id="sp-appr-title">{t('sp.transfersTitle', { n: p.transfers?.length ?? 0 })}</h2>
      {(p.transfers?.length ?? 0) > 0 ? (
        <ul data-testid="created-transfers">
          {p.transfers!.map((x) => (
            <li key={x.transfer} data-patient={x.patient}>
              {name(x.patient)}: <a href={href({ name: 'transfer', id: x.transfer })}>{t('sp.toTransfer', { id: x.transfer })}</a>
            </li>
          ))}
        </ul>
      ) : <p className="muted">{t('sp.noTransfers')}</p>}
      {(p.not_transferred?.length ?? 0) > 0 && (
        <>
          <h3>{t('sp.notTransferredTitle')}</h3>
          <ul data-testid="not-transferred">
            {p.not_transferred!.map((x) => { const m = notTransferredMsg(x.reason); return <li key={x.patient} data-patient={x.patient}>{name(x.patient)}: {t(m.key, m.params)}</li>; })}
          </ul>
        </>
      )}
      <p><a href={href({ name: 'transfers' })}>{t('sp.toBoard')}</a></p>
    </section>
  );
}

function ConfirmDialog({ title, text, ok, busy, onOk, onCancel }: { title: string; text: string; ok: string; busy: boolean; onOk: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  useEffect(() => {
    const on = (e: KeyboardEvent) => { if (e.key === 'Escape') onCancel(); };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [onCancel]);
  return (
    <div className="dialog-backdrop" onClick={onCancel}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="sp-confirm-title" onClick={(e) => e.stopPropagation()} data-testid="confirm-dialog">
        <h2 id="sp-confirm-title">{title}</h2>
        <p>{text}</p>
        <div className="form-actions">
          <button type="button" className="btn primary" disabled={busy} onClick={onOk} data-testid="confirm-ok">{ok}</button>
          <button type="button" className="btn" autoFocus onClick={onCancel}>{t('form.cancel')}</button>
        </div>
      </div>
    </div>
  );
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** The hospitals of the plan's instance (open places per care type; stale ones grey diamonds) and a line per assignment. */
function SpreadMap({ p, rows, orgName }: { p: SpreadingPlan; rows: PlanRow[]; orgName: (id: string | null) => string }) {
  const { t } = useI18n();
  const { detail } = useRegionData();
  ensureMap();
  const option = useMemo(() => {
    const open = openPlaces(p.plan);
    const used = usedPlaces(p.plan);
    const staleOf = new Set(staleHospitals(p).map((x) => `${x.hospital}|${x.care_type}`));
    const pos = new Map(p.hospitals.map((h) => [h.id, [h.lon, h.lat] as [number, number]]));
    const posOf = (org: string): [number, number] | null => {
      const h = pos.get(org);
      if (h) return h;
      const l = detail?.locations.find((x) => x.organization_id === org);
      return l ? [l.lon, l.lat] : null;
    };
    // Framed on the assignments (both ends) when there are any, else on every hospital; the map roams for the rest.
    const ends = rows.filter((r) => r.a?.hospital).flatMap((r) => [posOf(r.patient.from_organization), pos.get(r.a!.hospital!)])
      .filter((x): x is [number, number] => !!x);
    const pts = ends.length ? ends : [...pos.values()];
    const lons = pts.map((x) => x[0]), lats = pts.map((x) => x[1]);
    const mLon = Math.max(0.15, (Math.max(...lons) - Math.min(...lons)) * 0.25), mLat = Math.max(0.08, (Math.max(...lats) - Math.min(...lats)) * 0.25);
    const bbox = pts.length ? [[Math.min(...lons) - mLon, Math.max(...lats) + mLat], [Math.max(...lons) + mLon, Math.min(...lats) - mLat]] : [[3.2, 52.2], [5.2, 51.2]];
    const line = (k: 'ic' | 'ward') => rows.filter((r) => r.a?.hospital && r.patient.needs === k).flatMap((r) => {
      const from = posOf(r.patient.from_organization), to = pos.get(r.a!.hospital!);
      return from && to ? [{ coords: [from, to], name: `${r.patient.id}: ${orgName(r.patient.from_organization)} → ${orgName(r.a!.hospital)}` }] : [];
    });
    const status = (id: string) => {
      const h = p.hospitals.find((x) => x.id === id)!;
      const kinds = (['ic', 'ward'] as const).filter((k) => h.capacity[k]);
      if (kinds.length && kinds.every((k) => staleOf.has(`${id}|${k}`))) return 'stale';
      return kinds.some((k) => (open.get(id)?.[k] ?? 0) > 0) ? 'ok' : 'closed';
    };
    const tip = (id: string) => {
      const h = p.hospitals.find((x) => x.id === id)!;
      const parts = (['ic', 'ward'] as const).filter((k) => h.capacity[k]).map((k) => {
        const c = h.capacity[k]!;
        const st = staleOf.has(`${id}|${k}`) ? ` <i>${esc(t('stale'))} — ${esc(t('sp.leftOut'))}</i>` : '';
        return `${esc(t(careKey(k)))}: ${esc(t('sp.mapOpen', { open: open.get(id)?.[k] ?? 0, used: used.get(`${id}|${k}`) ?? 0 }))} (${c.occupied}/${c.staffed})${st}`;
      });
      return `<b>${esc(h.name)}</b> (${esc(h.region)})${h.regional_function ? ` · ${esc(t('sp.regionalFunction'))}` : ''}<br/>${parts.join('<br/>')}`;
    };
    const groups = ['ok', 'closed', 'stale'] as const;
    return {
      animation: false,
      tooltip: { trigger: 'item', confine: true, formatter: (x: { data?: { id?: string; name?: string }; seriesType?: string }) => (x.seriesType === 'lines' ? esc(x.data?.name ?? '') : x.data?.id ? tip(x.data.id) : '') },
      geo: {
        map: 'NL', roam: true, aspectScale: Math.cos((51.8 * Math.PI) / 180), boundingCoords: bbox, silent: true,
        itemStyle: { areaColor: '#ffffff', borderColor: '#6f7d8b', borderWidth: 1 }, label: { show: false },
      },
      series: [
        ...groups.map((g) => ({
          type: 'scatter', coordinateSystem: 'geo', name: t(`sp.map.${g}`), z: 3,
          symbol: g === 'stale' ? 'diamond' : 'circle', symbolSize: g === 'stale' ? 12 : 11,
          itemStyle: { color: STATUS_COLOURS[g], borderColor: '#fff', borderWidth: 1.2 },
          label: { show: true, position: 'right', fontSize: 10, color: '#4b5866', textBorderColor: '#fff', textBorderWidth: 2,
            formatter: (x: { data: { name: string; open: string } }) => `${x.data.name}\n${x.data.open}` },
          data: p.hospitals.filter((h) => status(h.id) === g).map((h) => ({
            id: h.id, name: h.name, value: [h.lon, h.lat],
            open: (['ic', 'ward'] as const).filter((k) => h.capacity[k]).map((k) => `${k === 'ic' ? 'IC' : t('sp.wardShort')} ${open.get(h.id)?.[k] ?? 0}`).join(' · '),
          })),
        })),
        ...(['ic', 'ward'] as const).map((k) => ({
          type: 'lines', coordinateSystem: 'geo', z: 2, name: t(careKey(k)),
          lineStyle: { color: CARE_COLOURS[k], width: 2, opacity: 0.8, curveness: 0.15 },
          symbol: ['none', 'arrow'], symbolSize: 8,
          data: line(k),
        })),
      ],
    };
  }, [p, rows, orgName, detail, t]);
  return (
    <div className="sp-map">
      <Chart className="map sp-map-chart" option={option} ariaLabel={t('sp.mapTitle')} />
      <ul className="legend small" data-testid="sp-map-legend">
        <li><span className="swatch" style={{ background: STATUS_COLOURS.ok }} /> {t('sp.map.ok')}</li>
        <li><span className="swatch" style={{ background: STATUS_COLOURS.closed }} /> {t('sp.map.closed')}</li>
        <li><span className="swatch" style={{ background: STATUS_COLOURS.stale }} /> ◆ {t('sp.map.stale')}</li>
        <li><span className="swatch" style={{ background: CARE_COLOURS.ic }} /> {t('sp.map.lineIc')}</li>
        <li><span className="swatch" style={{ background: CARE_COLOURS.ward }} /> {t('sp.map.lineWard')}</li>
      </ul>
    </div>
  );
}
