import { useCallback, useEffect, useState } from 'react';
import { useI18n } from './i18n';
import { api, setUnauthorizedHandler } from './api';
import { RegionDataProvider, useRegionData } from './data';
import { go, href, useRoute, type Route } from './router';
import { canEditAny } from './lib/units';
import { NO_FILTERS, type Filters } from './lib/filters';
import { LiveStatus } from './components/LiveStatus';
import { Login } from './views/Login';
import { Overview } from './views/Overview';
import { BedFinder } from './views/BedFinder';
import { MapView } from './views/MapView';
import { UnitDetail } from './views/UnitDetail';
import { Entry } from './views/Entry';
import { Wall } from './views/Wall';
import { Worklist } from './views/Worklist';
import { Intake } from './views/Intake';
import { CaseView } from './views/CaseView';
import { Inbox } from './views/Inbox';
import { Kpi } from './views/Kpi';
import { PlacementKpi } from './views/PlacementKpi';
import { Privacy } from './views/Privacy';
import { WhatIf } from './views/WhatIf';
import { Transfers } from './views/Transfers';
import { TransferNew } from './views/TransferNew';
import { TransferView } from './views/TransferView';
import { TransferAlerts } from './components/TransferBits';
import { PhaseStrip } from './components/PhaseBits';
import { readsTransfers } from './lib/transfers';
import { Placements } from './views/Placements';
import { PlacementNew } from './views/PlacementNew';
import { PlacementView } from './views/PlacementView';
import { readsPlacements } from './lib/placements';
import { Spreading } from './views/Spreading';
import { SpreadingNew } from './views/SpreadingNew';
import { SpreadingView } from './views/SpreadingView';
import { readsSpreading } from './lib/spreading';
import { canSimulate } from './lib/simulation';
import { canAudit, readsCapacity } from './lib/accessLog';
import { canReadKpis } from './lib/kpis';
import { canWorkCases, hasInbox } from './lib/cases';
import type { RegionSummary, User } from './types';

export function App() {
  const { t } = useI18n();
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  // Where the work is: a coordinator of the ZCC starts at the worklist, a partner's user at its inbox (unless a
  // link named another page); a privacy officer at the access log; everyone else at the overview.
  const signedIn = useCallback((u: User) => {
    if (/^#?\/?$/.test(window.location.hash)) {
      if (u.role === 'zcc-coordinator') go({ name: 'worklist' });
      else if (u.role === 'org-user' && hasInbox(u)) go({ name: 'inbox' });
      else if (u.role === 'privacy-officer') go({ name: 'privacy' });
    }
    setUser(u);
  }, []);

  useEffect(() => {
    api.me().then(signedIn).catch(() => setUser(null));
  }, [signedIn]);
  useEffect(() => {
    setUnauthorizedHandler(() => { setUser(null); setNotice(t('session.expired')); });
    return () => setUnauthorizedHandler(null);
  }, [t]);

  if (user === undefined) return <div className="boot muted">{t('loading')}</div>;
  if (user === null) return <Login onLogin={(u) => { setNotice(null); signedIn(u); }} notice={notice} />;
  return <SignedIn user={user} onLogout={() => { setNotice(null); setUser(null); }} />;
}

function SignedIn({ user, onLogout }: { user: User; onLogout: () => void }) {
  const { t } = useI18n();
  const [regions, setRegions] = useState<RegionSummary[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(() => localStorage.getItem('ozcc.region'));

  useEffect(() => {
    api.regions().then(setRegions).catch(() => setRegions([]));
  }, []);

  const regionId = user.region_id ?? (chosen && regions?.some((r) => r.id === chosen) ? chosen : regions?.[0]?.id ?? null);
  if (!regionId) return <div className="boot muted">{regions === null ? t('loading') : t('loadError', { detail: 'no region' })}</div>;

  const pick = user.region_id ? null : { regions: regions ?? [], set: (id: string) => { localStorage.setItem('ozcc.region', id); setChosen(id); } };
  return (
    <RegionDataProvider key={regionId} regionId={regionId} enabled={readsCapacity(user.role)}>
      <Shell user={user} onLogout={onLogout} regionPick={pick} />
    </RegionDataProvider>
  );
}

function Shell({ user, onLogout, regionPick }: {
  user: User; onLogout: () => void; regionPick: { regions: RegionSummary[]; set: (id: string) => void } | null;
}) {
  const { t, toggle } = useI18n();
  const route = useRoute();
  const { detail, error, reload, regionId } = useRegionData();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [help, setHelp] = useState(false);
  const [phaseOpen, setPhaseOpen] = useState(false);
  const capacity = readsCapacity(user.role);

  const logout = useCallback(async () => {
    try { await api.logout(); } catch { /* the session is gone either way */ }
    onLogout();
  }, [onLogout]);

  // Global keyboard shortcuts (not while typing in a field).
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return; // a view took the key (e.g. "k" in the worklist)
      const el = e.target as HTMLElement;
      const typing = el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
      if (e.key === 'Escape') { setHelp(false); setPhaseOpen(false); return; }
      if (typing) return;
      const nav = (r: Route) => { e.preventDefault(); go(r); };
      // The capacity picture's keys are for the roles that may read it.
      if (!capacity && ['/', 'o', 'k', 'b', 'w'].includes(e.key)) return;
      switch (e.key) {
        case '/':
          e.preventDefault();
          if (route.name !== 'overview' && route.name !== 'map') go({ name: 'overview' });
          setTimeout(() => document.getElementById('filter-input')?.focus(), 0);
          break;
        case 'o': nav({ name: 'overview' }); break;
        case 'k': nav({ name: 'map' }); break;
        case 'b': nav({ name: 'beds' }); break;
        case 'i': if (canEditAny(user)) nav({ name: 'entry' }); break;
        case 'w': nav({ name: 'wall' }); break;
        case 'z': if (canWorkCases(user.role)) nav({ name: 'worklist' }); break;
        case 'n': if (canWorkCases(user.role)) nav({ name: 'intake' }); break;
        case 'x': if (hasInbox(user)) nav({ name: 'inbox' }); break;
        case 'g': if (canReadKpis(user.role)) nav({ name: 'kpi' }); break;
        case 'v': if (canAudit(user.role)) nav({ name: 'privacy' }); break;
        case 'm': if (canSimulate(user.role)) nav({ name: 'whatif' }); break;
        case 'u': if (readsTransfers(user)) nav({ name: 'transfers' }); break;
        case 'y': if (readsPlacements(user)) nav({ name: 'placements' }); break;
        case 'd': if (readsSpreading(user)) nav({ name: 'spreading' }); break;
        case 'f': e.preventDefault(); setHelp(false); setPhaseOpen(true); break;
        case 'l': e.preventDefault(); toggle(); break;
        case '?': e.preventDefault(); setHelp((h) => !h); break;
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, [route.name, toggle, user, capacity]);

  if (route.name === 'wall' && capacity) return <Wall />;
  // A role without the capacity picture gets its own page for the picture's addresses.
  const shown: Route = !capacity && ['overview', 'map', 'beds', 'unit', 'entry', 'wall'].includes(route.name) ? { name: 'privacy' } : route;

  const navItems: { r: Route; label: string; key: string; show: boolean }[] = [
    { r: { name: 'worklist' }, label: t('nav.worklist'), key: 'z', show: canWorkCases(user.role) },
    { r: { name: 'inbox' }, label: t('nav.inbox'), key: 'x', show: hasInbox(user) },
    { r: { name: 'transfers' }, label: t('nav.transfers'), key: 'u', show: readsTransfers(user) },
    { r: { name: 'placements' }, label: t('nav.placements'), key: 'y', show: readsPlacements(user) },
    { r: { name: 'spreading' }, label: t('nav.spreading'), key: 'd', show: readsSpreading(user) },
    { r: { name: 'overview' }, label: t('nav.overview'), key: 'o', show: capacity },
    { r: { name: 'map' }, label: t('nav.map'), key: 'k', show: capacity },
    { r: { name: 'beds' }, label: t('nav.beds'), key: 'b', show: capacity },
    { r: { name: 'entry' }, label: t('nav.entry'), key: 'i', show: canEditAny(user) },
    { r: { name: 'wall' }, label: t('nav.wall'), key: 'w', show: capacity },
    { r: { name: 'kpi' }, label: t('nav.kpi'), key: 'g', show: canReadKpis(user.role) },
    { r: { name: 'whatif' }, label: t('nav.whatif'), key: 'm', show: canSimulate(user.role) },
    { r: { name: 'privacy' }, label: t('nav.privacy'), key: 'v', show: canAudit(user.role) },
  ];
  const current = shown.name === 'unit' ? 'overview' : shown.name === 'intake' ? 'worklist'
    : shown.name === 'case' ? (canWorkCases(user.role) ? 'worklist' : 'inbox')
      : shown.name === 'transfer' || shown.name === 'transferNew' ? 'transfers'
        : shown.name === 'placementNew' || shown.name === 'placement' ? 'placements'
          : shown.name === 'spreadingNew' || shown.name === 'spreadingPlan' ? 'spreading' : shown.name;

  return (
    <div className="app">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{t('nav.skip')}</a>
      <div className="app-head">
      <header className="topbar">
        <div className="brand"><span className="logo" aria-hidden="true">Z</span><span className="brand-name">{t('app.name')}</span>
          {regionPick && regionPick.regions.length > 1 ? (
            <select className="region-pick" value={regionId} onChange={(e) => regionPick.set(e.target.value)} aria-label={t('col.region')}>
              {regionPick.regions.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          ) : <span className="region-name">{detail?.region.name ?? regionId}</span>}
        </div>
        <nav aria-label={t('nav.main')}>
          <ul className="nav">
            {navItems.filter((n) => n.show).map((n) => (
              <li key={n.r.name}>
                <a href={href(n.r)} aria-current={current === n.r.name ? 'page' : undefined} aria-keyshortcuts={n.key}>
                  {n.label}<kbd>{n.key}</kbd>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {capacity && <LiveStatus />}
        <div className="user">
          <button type="button" className="link-btn" onClick={() => setHelp(true)} aria-keyshortcuts="?" title={t('nav.shortcuts')}><span className="sc-label">{t('nav.shortcuts')} </span><kbd className="sc-key">?</kbd></button>
          <button type="button" className="link-btn lang-btn" onClick={toggle} title={t('lang.switchTitle')} data-testid="lang-toggle">{t('lang.switch')}</button>
          <span className="who" title={user.organization_id ?? ''}>{user.username} <span className="muted">({t(`role.${user.role}`)})</span></span>
          <button type="button" className="btn small" onClick={logout}>{t('logout')}</button>
        </div>
      </header>
      <PhaseStrip user={user} open={phaseOpen} setOpen={setPhaseOpen} />
      </div>
      {error && (
        <div className="banner error" role="alert">{t('loadError', { detail: error })} <button type="button" className="link-btn" onClick={reload}>{t('retry')}</button></div>
      )}
      {readsTransfers(user) && <TransferAlerts user={user} />}
      <main id="main" tabIndex={-1}>
        {shown.name === 'overview' && <Overview filters={filters} setFilters={setFilters} user={user} />}
        {shown.name === 'map' && <MapView filters={filters} setFilters={setFilters} />}
        {shown.name === 'beds' && <BedFinder user={user} />}
        {shown.name === 'unit' && <UnitDetail id={shown.id} user={user} />}
        {shown.name === 'entry' && <Entry id={shown.id} user={user} />}
        {shown.name === 'worklist' && <Worklist user={user} />}
        {shown.name === 'intake' && <Intake user={user} />}
        {shown.name === 'case' && <CaseView key={shown.id} id={shown.id} user={user} />}
        {shown.name === 'inbox' && <Inbox user={user} />}
        {shown.name === 'kpi' && (shown.part === 'placements' ? <PlacementKpi user={user} /> : <Kpi user={user} />)}
        {shown.name === 'privacy' && <Privacy user={user} />}
        {shown.name === 'whatif' && <WhatIf user={user} />}
        {shown.name === 'transfers' && <Transfers user={user} />}
        {shown.name === 'transferNew' && <TransferNew user={user} />}
        {shown.name === 'transfer' && <TransferView key={shown.id} id={shown.id} user={user} />}
        {shown.name === 'placements' && <Placements user={user} />}
        {shown.name === 'placementNew' && <PlacementNew user={user} />}
        {shown.name === 'placement' && <PlacementView key={shown.id} id={shown.id} user={user} />}
        {shown.name === 'spreading' && <Spreading user={user} />}
        {shown.name === 'spreadingNew' && <SpreadingNew user={user} />}
        {shown.name === 'spreadingPlan' && <SpreadingView key={shown.id} id={shown.id} user={user} />}
      </main>
      {help && <HelpDialog onClose={() => setHelp(false)} user={user} />}
    </div>
  );
}

function HelpDialog({ onClose, user }: { onClose: () => void; user: User }) {
  const { t } = useI18n();
  const rows: [string, string][] = [
    ...(canWorkCases(user.role) ? [['z', t('help.worklist')], ['n', t('help.intake')], ['j / k, ↑ / ↓', t('help.move')],
      ['Enter', t('help.open')], ['t c a e h r s', t('help.steps')], ['p', t('help.patient')]] as [string, string][] : []),
    ...(hasInbox(user) ? [['x', t('help.inbox')]] as [string, string][] : []),
    ...(readsTransfers(user) ? [['u', t('help.transfers')]] as [string, string][] : []),
    ...(readsPlacements(user) ? [['y', t('help.placements')]] as [string, string][] : []),
    ...(readsSpreading(user) ? [['d', t('help.spreading')]] as [string, string][] : []),
    ...(canReadKpis(user.role) ? [['g', t('help.kpi')]] as [string, string][] : []),
    ...(canAudit(user.role) ? [['v', t('help.privacy')]] as [string, string][] : []),
    ...(canSimulate(user.role) ? [['m', t('help.whatif')], ['Ctrl+Enter', t('help.whatifRun')]] as [string, string][] : []),
    ...(readsCapacity(user.role) ? [['/', t('help.filter')], ['o', t('help.overview')], ['k', t('help.map')], ['b', t('help.beds')],
      ['i', t('help.entry')], ['w', t('help.wall')]] as [string, string][] : []),
    ['f', t('help.phase')], ['l', t('help.lang')], ['?', t('help.help')], ['Esc', t('help.escape')],
  ];
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="help-title">{t('help.title')}</h2>
        <table className="grid"><tbody>
          {rows.map(([k, d]) => <tr key={k}><td><kbd>{k}</kbd></td><td>{d}</td></tr>)}
        </tbody></table>
        <button type="button" className="btn" autoFocus onClick={onClose}>{t('help.close')}</button>
      </div>
    </div>
  );
}
