import { useMemo, useState } from 'react';
import { useI18n } from '../i18n';
import { useNow, useRegionData } from '../data';
import { findBeds } from '../lib/distance';
import { buildPlaces } from '../lib/places';
import { isStale } from '../lib/age';
import { specialisms, typesPresent } from '../lib/filters';
import { hasBeds } from '../lib/units';
import { AgeCell, EdBadge, typeLabel } from '../components/Status';
import { href } from '../router';
import type { User } from '../types';

export function BedFinder({ user }: { user: User }) {
  const { t, lang } = useI18n();
  const { rows, detail } = useRegionData();
  const now = useNow(5000);
  const places = useMemo(() => buildPlaces(detail?.locations ?? [], detail?.organizations ?? []), [detail]);
  const types = useMemo(() => typesPresent(rows).filter(hasBeds), [rows]);
  const defaultPlace = useMemo(() => {
    const own = detail?.locations.find((l) => l.organization_id === user.organization_id);
    return own ? `loc:${own.id}` : places.cities[0]?.key ?? places.locations[0]?.key ?? '';
  }, [detail, user, places]);

  const [n, setN] = useState('3');
  const [type, setType] = useState('');
  const [spec, setSpec] = useState('');
  const [placeKey, setPlaceKey] = useState('');
  const [excludeStale, setExcludeStale] = useState(false);

  const ty = type || (types.includes('ic') ? 'ic' : types[0] ?? '');
  const pk = placeKey || defaultPlace;
  const place = [...places.locations, ...places.cities].find((p) => p.key === pk);
  const specs = useMemo(() => specialisms(rows.filter((r) => r.type === ty)), [rows, ty]);
  const count = Math.max(1, Math.min(999, parseInt(n, 10) || 1));

  const result = useMemo(() => place ? findBeds(rows, {
    n: count, type: ty, specialism: spec || null, origin: place, excludeStale, isStale: (u) => isStale(u, now),
  }) : null, [rows, count, ty, spec, place, excludeStale, now]);

  const nf = new Intl.NumberFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

  return (
    <section className="view beds" aria-labelledby="beds-title">
      <div className="view-head"><h1 id="beds-title">{t('beds.title')}</h1></div>
      <form className="filters bed-form" onSubmit={(e) => e.preventDefault()}>
        <label><span>{t('beds.count')}</span>
          <input id="beds-n" className="w-num" type="text" inputMode="numeric" value={n} onChange={(e) => setN(e.target.value.replace(/[^\d]/g, ''))} />
        </label>
        <label><span>{t('beds.type')}</span>
          <select id="beds-type" value={ty} onChange={(e) => { setType(e.target.value); setSpec(''); }}>
            {types.map((x) => <option key={x} value={x}>{typeLabel(t, x)}</option>)}
          </select>
        </label>
        <label><span>{t('beds.specialism')}</span>
          <select id="beds-spec" value={spec} onChange={(e) => setSpec(e.target.value)} disabled={specs.length === 0}>
            <option value="">{t('beds.anySpecialism')}</option>
            {specs.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="grow"><span>{t('beds.place')}</span>
          <select id="beds-place" value={pk} onChange={(e) => setPlaceKey(e.target.value)}>
            <optgroup label={t('beds.placeCities')}>
              {places.cities.map((p) => <option key={p.key} value={p.key}>{p.label}</option>)}
            </optgroup>
            <optgroup label={t('beds.placeOrgs')}>
              {places.locations.map((p) => <option key={p.key} value={p.key}>{p.label}</option>)}
            </optgroup>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={excludeStale} onChange={(e) => setExcludeStale(e.target.checked)} />
          <span>{t('beds.excludeStale')}</span>
        </label>
      </form>

      {place && (
        <p className="lead">{t('beds.intro', { n: count, type: typeLabel(t, ty) + (spec ? ` (${spec})` : ''), place: place.label })}</p>
      )}
      {!place && <p className="empty">{t('beds.choosePlace')}</p>}
      {result && (
        <>
          <p className={`result-line ${result.enough ? 'ok' : 'warn'}`} role="status" data-testid="beds-result">
            {result.hits.length === 0 ? t('beds.none')
              : result.enough ? t('beds.enough', { found: result.found, units: result.hits.length, n: count })
                : t('beds.notEnough', { found: result.found, n: count })}
          </p>
          {result.hits.length > 0 && (
            <table className="grid beds-table" data-testid="beds-table">
              <thead>
                <tr>
                  <th scope="col" className="num">#</th>
                  <th scope="col" className="c-name">{t('col.unit')}</th>
                  <th scope="col">{t('col.type')}</th>
                  <th scope="col" className="num">{t('col.distance')}</th>
                  <th scope="col" className="num">{t('col.available')}</th>
                  <th scope="col" className="num">{t('col.cumulative')}</th>
                  <th scope="col">{t('col.ed')}</th>
                  <th scope="col" className="c-age">{t('col.age')}</th>
                </tr>
              </thead>
              <tbody>
                {result.hits.map((h, i) => (
                  <tr key={h.unit.unit_id} className={h.stale ? 'is-stale' : ''} data-unit={h.unit.unit_id}>
                    <td className="num muted">{i + 1}</td>
                    <td className="c-name"><a href={href({ name: 'unit', id: h.unit.unit_id })}>{h.unit.organization_name} · {h.unit.name}</a></td>
                    <td>{typeLabel(t, h.unit.type)}{h.unit.specialism ? ` · ${h.unit.specialism}` : ''}</td>
                    <td className="num">{t('beds.km', { km: nf.format(h.distanceKm) })}</td>
                    <td className="num free">{h.available}</td>
                    <td className="num">{h.cumulative}</td>
                    <td>{h.unit.ed ? <EdBadge status={h.unit.ed.status} /> : null}</td>
                    <td className="c-age"><AgeCell row={h.unit} now={now} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
