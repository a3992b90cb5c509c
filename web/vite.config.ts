/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';

// Bundles the outline of the Netherlands (and its neighbours, drawn faintly for
// orientation) from Natural Earth via world-atlas at build time, as a small
// GeoJSON module: the UI needs no tile server and no network at runtime.
const GEO_ID = 'virtual:nl-geo';
const RESOLVED = '\0' + GEO_ID;
const COUNTRIES: Record<string, string> = { '528': 'Nederland', '056': 'België', '276': 'Duitsland' };
// Only the European part: drops the Caribbean islands and far-away German/Belgian land.
const BOX = { minLon: 2.0, maxLon: 8.5, minLat: 49.8, maxLat: 54.0 };

function round(c: number[]): number[] {
  return [Math.round(c[0] * 1e4) / 1e4, Math.round(c[1] * 1e4) / 1e4];
}

function inBox(ring: number[][]): boolean {
  return ring.some(([lon, lat]) => lon >= BOX.minLon && lon <= BOX.maxLon && lat >= BOX.minLat && lat <= BOX.maxLat);
}

function nlGeo(): Plugin {
  return {
    name: 'nl-geo',
    resolveId(id) {
      return id === GEO_ID ? RESOLVED : null;
    },
    load(id) {
      if (id !== RESOLVED) return null;
      const require = createRequire(import.meta.url);
      const load = (res: string) => {
        const topo = JSON.parse(readFileSync(require.resolve(`world-atlas/countries-${res}.json`), 'utf8')) as Topology;
        return feature(topo, topo.objects.countries as GeometryCollection).features;
      };
      // The Netherlands and Belgium (shared border in Zeeland) in the finest resolution (1:10m), Germany coarser
      // (1:50m): it is only context at the edge.
      const fine = new Set(['528', '056']);
      const features = [...load('10m').filter((f) => fine.has(String(f.id))), ...load('50m').filter((f) => !fine.has(String(f.id)))]
        .filter((f) => String(f.id) in COUNTRIES)
        .map((f) => {
          const g = f.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon;
          const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
          const kept = polys
            .filter((p) => inBox(p[0]))
            .map((p) => p.map((ring) => ring.map(round)));
          return {
            type: 'Feature',
            id: String(f.id),
            properties: { name: COUNTRIES[String(f.id)] },
            geometry: { type: 'MultiPolygon', coordinates: kept },
          };
        });
      return `export default ${JSON.stringify({ type: 'FeatureCollection', features })};`;
    },
  };
}

export default defineConfig({
  plugins: [react(), nlGeo()],
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500, sourcemap: false },
  server: { proxy: { '/api': { target: process.env.OZCC_API ?? 'http://127.0.0.1:8080', changeOrigin: false } } },
  test: { include: ['test/**/*.test.ts'], environment: 'node' },
});
