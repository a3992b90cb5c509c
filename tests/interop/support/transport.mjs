// The HTTP transport the FHIR clients use: a fetch function (MedplumClient takes it as its `fetch`;
// fhir-kit-client calls the global fetch, so a pass installs it there too).
//
// A client is given a base URL — the server's own (http://127.0.0.1:PORT/fhir), or a public one
// (https://<name>[/prefix]/fhir) as behind a TLS-terminating proxy. The transport plays the part of
// DNS and that proxy: a request under the public base goes to the same path under the server's own
// base, unchanged otherwise (the client itself sends any X-Forwarded-* headers, as its custom
// headers).
//
// It also checks what every client relies on: it refuses any request outside the base the client
// was given, and every absolute URL the server writes (Bundle.link.url, Bundle.entry.fullUrl,
// CapabilityStatement.implementation.url, the Location and Content-Location headers) must start
// with that base. A violation fails the request (the client then throws) and is kept in
// `violations`, which each pass asserts empty at its end.
const nodeFetch = globalThis.fetch;
const REQUEST_TIMEOUT_MS = 60000;

/**
 * @param {{base: string, localBase: string}} options base: the FHIR base the clients were given;
 *   localBase: the FHIR base where the server really listens (http://127.0.0.1:PORT/fhir).
 */
export function makeTransport({ base, localBase }) {
  const baseUrl = new URL(base);
  const stats = { requests: 0, byMethod: {} };
  const violations = [];
  const fail = (message) => {
    violations.push(message);
    return new Error(`URL check: ${message}`);
  };
  const underBase = (url) => url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`);

  async function transport(input, init) {
    const request = new Request(input, init);
    if (!underBase(request.url)) throw fail(`a client requested ${request.url}, outside its base ${base}`);
    const target = localBase + request.url.slice(base.length);
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
    const forwarded = new Request(target, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      // no test waits for ever on a server that stopped answering
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    stats.requests += 1;
    stats.byMethod[request.method] = (stats.byMethod[request.method] ?? 0) + 1;
    const response = await nodeFetch(forwarded);

    for (const header of ['location', 'content-location']) {
      const value = response.headers.get(header);
      if (value != null && !underBase(value)) {
        throw fail(`${request.method} ${request.url}: ${header} ${value} does not start with ${base}`);
      }
    }
    if (/json/.test(response.headers.get('content-type') ?? '')) {
      const text = await response.clone().text();
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        throw fail(`${request.method} ${request.url}: the answer is not JSON: ${text.slice(0, 200)}`);
      }
      for (const url of absoluteUrls(body)) {
        if (!underBase(url.value)) throw fail(`${request.method} ${request.url}: ${url.where} ${url.value} does not start with ${base}`);
      }
    }
    return response;
  }

  return { fetch: transport, stats, violations, base, host: baseUrl.host };
}

/** The absolute URLs a FHIR answer carries that a client may follow. */
function absoluteUrls(body) {
  const out = [];
  if (body?.resourceType === 'Bundle') {
    for (const link of body.link ?? []) out.push({ where: `link[${link.relation}]`, value: link.url });
    for (const [i, entry] of (body.entry ?? []).entries()) {
      if (entry.fullUrl != null) out.push({ where: `entry[${i}].fullUrl`, value: entry.fullUrl });
    }
  }
  if (body?.resourceType === 'CapabilityStatement' && body.implementation?.url != null) {
    out.push({ where: 'implementation.url', value: body.implementation.url });
  }
  return out;
}
