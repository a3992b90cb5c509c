#!/usr/bin/env python3
"""Real worklist data through the API, for bench/worklist.sh and bench/cross_instance.sh.

  worklist_setup.py login BASE USER PASSWORD
      prints a session token
  worklist_setup.py contacts BASE FEED_TOKEN SESSION OUT_DIR WITH WITHOUT OPEN_CASES
      WITH patients get three contacts each, reported with the feed token (two
      in the last 72 hours, one five days ago); WITHOUT patients get none.
      OPEN_CASES open cases are made by the coordinator (SESSION), one in ten
      for a patient with contacts. Writes OUT_DIR/bsns.txt (one BSN a line,
      with and without contacts alternating) and OUT_DIR/search.jsonl (the
      contacts:search bodies, same order), then checks one search of each kind.
  worklist_setup.py handovers BASE SESSION TO_ORG N OUT_FILE
      N cases, each handed over to TO_ORG; writes "handover_id version" lines.

BSNs are made from a fixed seed and pass the 11-proef (core ValidBsn). Only
talks to BASE (http://127.0.0.1:PORT), over one keep-alive connection.
"""
import datetime
import http.client
import json
import random
import sys
import urllib.parse


class Api:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def call(self, method, path, token, body=None, headers=None, want=(200, 201)):
        h = {"Authorization": "Bearer " + token} if token else {}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=h)
        r = self.conn.getresponse()
        data = r.read()
        if r.status not in want:
            sys.exit(f"setup: {method} {path}: {r.status} {data[:300]!r}")
        return json.loads(data) if data else None


def bsns(n, rng):
    """n distinct valid BSNs: 8 random digits and the ninth that makes the 11-proef hold."""
    out, seen = [], set()
    while len(out) < n:
        d = [rng.randrange(10) for _ in range(8)]
        last = sum(x * (9 - i) for i, x in enumerate(d)) % 11
        if last == 10 or not any(d):
            continue
        b = "".join(map(str, d)) + str(last)
        if b not in seen:
            seen.add(b)
            out.append(b)
    return out


def rfc3339(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def contacts(base, feed, session, out_dir, n_with, n_without, n_open):
    api = Api(base)
    rng = random.Random(13)
    people = bsns(n_with + n_without, rng)
    with_contacts, without = people[:n_with], people[n_with:]
    now = datetime.datetime.now(datetime.timezone.utc)
    kinds = ["hap-call", "ambulance", "ed-visit"]
    for i, bsn in enumerate(with_contacts):
        for j, hours in enumerate((2 + i % 5, 30 + i % 20, 120)):
            api.call("POST", "/api/v1/contacts", feed, {
                "bsn": bsn, "at": rfc3339(now - datetime.timedelta(hours=hours)), "kind": kinds[j],
                "urgency": f"U{2 + j}", "advice": f"advies {j}: terugbellen bij verergering"})
    urgencies = ["U1", "U2", "U3", "U4", "U5"]
    for i in range(n_open):
        case = {"region_id": "ZWN", "channel": "hap", "summary": f"bench open case {i}",
                "urgency": urgencies[i % len(urgencies)], "complaint": "catheter-problem"}
        if i % 10 == 0 and i // 10 < len(with_contacts):
            case["patient"] = {"bsn": with_contacts[i // 10], "name": f"Patient {i}"}
            case["legal_basis"] = "consent"
        api.call("POST", "/api/v1/cases", session, case)
    order = [b for pair in zip(with_contacts, without) for b in pair]
    order += with_contacts[len(without):] + without[len(with_contacts):]
    with open(f"{out_dir}/bsns.txt", "w") as f:
        f.write("".join(b + "\n" for b in order))
    with open(f"{out_dir}/search.jsonl", "w") as f:
        f.write("".join(json.dumps({"bsn": b, "purpose": "intake"}) + "\n" for b in order))
    # Each kind answers as it should: two contacts in the window, or nothing.
    if with_contacts:
        h = api.call("POST", "/api/v1/contacts:search", session, {"bsn": with_contacts[1 % n_with]})
        got = [i for i in h["items"] if i["source"] == "contact"]
        if len(got) != 2 or not got[0]["advice"]:
            sys.exit(f"setup: a patient with contacts has {len(got)} in the window: {h}")
    if without:
        h = api.call("POST", "/api/v1/contacts:search", session, {"bsn": without[0]})
        if h["items"]:
            sys.exit(f"setup: a patient without contacts has some: {h}")


def handovers(base, session, to_org, n, out_file):
    api = Api(base)
    lines = []
    for i in range(n):
        c = api.call("POST", "/api/v1/cases", session, {
            "region_id": "ZWN", "channel": "hap", "summary": f"bench handover {i}", "urgency": "U3",
            "complaint": "catheter-problem"})
        v = api.call("POST", f"/api/v1/cases/{c['id']}/handovers", session,
                     {"to_organization_id": to_org, "sbar": {"situation": "s", "recommendation": "r"}},
                     headers={"If-Match": f"\"{c['version']}\""})
        h = v["handovers"][-1]
        lines.append(f"{h['id']} {h['version']}\n")
    with open(out_file, "w") as f:
        f.write("".join(lines))


def main(argv):
    if len(argv) >= 4 and argv[0] == "login":
        r = Api(argv[1]).call("POST", "/api/v1/auth/login", None, {"username": argv[2], "password": argv[3]})
        print(r["token"])
    elif len(argv) == 8 and argv[0] == "contacts":
        contacts(argv[1], argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), int(argv[7]))
    elif len(argv) == 6 and argv[0] == "handovers":
        handovers(argv[1], argv[2], argv[3], int(argv[4]), argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
