/// <reference types="vite/client" />
declare module 'virtual:nl-geo' {
  const geo: GeoJSON.FeatureCollection<GeoJSON.MultiPolygon, { name: string }>;
  export default geo;
}
