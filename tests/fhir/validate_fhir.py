#!/usr/bin/python3
"""Validates FHIR R4 JSON resources against the official FHIR JSON schema.

Usage: validate_fhir.py <fhir.schema.json> <resource.json>...

Each resource is checked against the schema definition of its own
resourceType (more precise messages than the schema's top-level oneOf), and
the resourceType must be one the schema knows. Prints one line per problem
("file: path: message") and exits 1 when there is any, 0 when all are valid,
2 on usage errors. Needs Debian's python3-jsonschema (Draft6Validator).
"""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    known = set(schema["discriminator"]["mapping"].keys())
    validators = {}
    problems = 0
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            try:
                resource = json.load(f)
            except json.JSONDecodeError as e:
                print(f"{path}: not JSON: {e}")
                problems += 1
                continue
        rtype = resource.get("resourceType") if isinstance(resource, dict) else None
        if rtype not in known:
            print(f"{path}: resourceType: unknown resource type {rtype!r}")
            problems += 1
            continue
        if rtype not in validators:
            sub = {"$ref": f"#/definitions/{rtype}", "definitions": schema["definitions"]}
            validators[rtype] = jsonschema.Draft6Validator(sub)
        for err in sorted(validators[rtype].iter_errors(resource), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in err.absolute_path) or "(root)"
            print(f"{path}: {where}: {err.message[:300]}")
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
