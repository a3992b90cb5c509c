import { useEffect, useState } from 'react';

export type Route =
  | { name: 'overview' }
  | { name: 'map' }
  | { name: 'beds' }
  | { name: 'unit'; id: string }
  | { name: 'entry'; id?: string }
  | { name: 'wall' }
  | { name: 'worklist' }
  | { name: 'intake' }
  | { name: 'case'; id: string }
  | { name: 'inbox' }
  | { name: 'kpi'; part?: 'placements' }
  | { name: 'privacy' }
  | { name: 'whatif' }
  | { name: 'transfers' }
  | { name: 'transferNew' }
  | { name: 'transfer'; id: string }
  | { name: 'placements' }
  | { name: 'placementNew' }
  | { name: 'placement'; id: string }
  | { name: 'spreading' }
  | { name: 'spreadingNew' }
  | { name: 'spreadingPlan'; id: string };

/**
 * Hash routes (Dutch paths): #/, #/kaart, #/bedden, #/eenheid/ID, #/invoer[/ID], #/wand, #/werklijst,
 * #/werklijst/nieuw (intake), #/melding/ID (a case), #/inbox, #/kpi (the worklist KPIs), #/kpi/plaatsingen (the placement KPIs; also #/kengetallen[/plaatsingen]), #/privacy (the privacy officer's
 * access log and break-glass review), #/wat-als (what-if simulation). English aliases: #/what-if, #/worklist,
 * #/cases/ID, #/cases/new. Transfers: #/overplaatsingen (the board), #/overplaatsingen/nieuw, #/overplaatsingen/ID
 * (English #/transfers…). Follow-up placement: #/plaatsingen (the desk's waiting list), #/plaatsingen/nieuw, #/plaatsingen/ID (English #/placements…).
 * Spreading plans: #/spreiding (the list), #/spreiding/nieuw, #/spreiding/ID (English #/spreading…).
 */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '');
  const [head, ...rest] = path.split('/');
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  switch (head) {
    case 'kaart': return { name: 'map' };
    case 'bedden': return { name: 'beds' };
    case 'eenheid': return arg ? { name: 'unit', id: arg } : { name: 'overview' };
    case 'invoer': return { name: 'entry', id: arg };
    case 'wand': return { name: 'wall' };
    case 'werklijst': case 'worklist': return arg === 'nieuw' || arg === 'new' ? { name: 'intake' } : { name: 'worklist' };
    case 'melding': case 'cases':
      if (arg === 'nieuw' || arg === 'new') return { name: 'intake' };
      return arg ? { name: 'case', id: arg } : { name: 'worklist' };
    case 'inbox': return { name: 'inbox' };
    case 'kpi': case 'kengetallen':
      return arg === 'plaatsingen' || arg === 'placements' ? { name: 'kpi', part: 'placements' } : { name: 'kpi' };
    case 'privacy': case 'privacy-officer': return { name: 'privacy' };
    case 'wat-als': case 'what-if': return { name: 'whatif' };
    case 'overplaatsingen': case 'transfers':
      if (arg === 'nieuw' || arg === 'new') return { name: 'transferNew' };
      return arg ? { name: 'transfer', id: arg } : { name: 'transfers' };
    case 'plaatsingen': case 'placements': if (arg === 'nieuw' || arg === 'new') return { name: 'placementNew' };
      return arg ? { name: 'placement', id: arg } : { name: 'placements' };
    case 'spreiding': case 'spreading': if (arg === 'nieuw' || arg === 'new') return { name: 'spreadingNew' };
      return arg ? { name: 'spreadingPlan', id: arg } : { name: 'spreading' };
    default: return { name: 'overview' };
  }
}

export function href(r: Route): string {
  switch (r.name) {
    case 'overview': return '#/';
    case 'map': return '#/kaart';
    case 'beds': return '#/bedden';
    case 'unit': return `#/eenheid/${encodeURIComponent(r.id)}`;
    case 'entry': return r.id ? `#/invoer/${encodeURIComponent(r.id)}` : '#/invoer';
    case 'wall': return '#/wand';
    case 'worklist': return '#/werklijst';
    case 'intake': return '#/werklijst/nieuw';
    case 'case': return `#/melding/${encodeURIComponent(r.id)}`;
    case 'inbox': return '#/inbox';
    case 'kpi': return r.part === 'placements' ? '#/kpi/plaatsingen' : '#/kpi';
    case 'privacy': return '#/privacy';
    case 'whatif': return '#/wat-als';
    case 'transfers': return '#/overplaatsingen';
    case 'transferNew': return '#/overplaatsingen/nieuw';
    case 'transfer': return `#/overplaatsingen/${encodeURIComponent(r.id)}`;
    case 'placements': return '#/plaatsingen';
    case 'placementNew': return '#/plaatsingen/nieuw';
    case 'placement': return `#/plaatsingen/${encodeURIComponent(r.id)}`;
    case 'spreading': return '#/spreiding';
    case 'spreadingNew': return '#/spreiding/nieuw';
    case 'spreadingPlan': return `#/spreiding/${encodeURIComponent(r.id)}`;
  }
}

export function go(r: Route): void { window.location.hash = href(r); }

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
