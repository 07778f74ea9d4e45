#!/usr/bin/env python3
"""Mutation fuzzing of the CSV reader and the JSON body reader through a running server on
loopback: every answer must be below 500 and the server must stay up. Bounded in time.

    python3 Tests/Fuzz/fuzz_http.py --base http://127.0.0.1:8099 --token TOKEN --seconds 180
"""
import argparse, json, random, sys, time, urllib.request, urllib.error

SPECIALS = ['"', ';', ',', '\r', '\n', '\r\n', '\t', '\x00', '\x0b', '\ufeff', '\u202f', '−', '=', '+', '-', '@',
            '9300000000000000000', '1e400', '-1e13', 'NaN', '2026-Q-1', '-2026-Q1', '20260', '', ' ', "'", '\\', '\u0430' * 5000]

def post(base, path, body, token, ctype):
    req = urllib.request.Request(base + path, data=body, method='POST',
                                 headers={'Authorization': 'Bearer ' + token, 'Content-Type': ctype})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()

def mutate_text(text, rng):
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        op = rng.random()
        pos = rng.randint(0, max(0, len(chars) - 1))
        if op < 0.3 and chars:
            del chars[pos]
        elif op < 0.7:
            chars[pos:pos] = list(rng.choice(SPECIALS))
        elif op < 0.85 and chars:
            chars[pos] = chr(rng.randint(0, 0x2FFF))
        else:
            start = rng.randint(0, max(0, len(chars) - 1))
            chars[pos:pos] = chars[start:start + rng.randint(1, 200)]
    return ''.join(chars)

def mutate_json(value, rng, depth=0):
    r = rng.random()
    if depth > 3 or r < 0.15:
        return rng.choice([None, True, False, 0, -1, 1e308, -1e308, 2**63, 1.5, "", "x" * rng.randint(0, 9000),
                           rng.choice(SPECIALS), [], {}, [1, "a"], {"a": {"b": []}}])
    if isinstance(value, dict):
        out = dict(value)
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(list(out.keys()) + ["extra", "", "\u0000k"]) if out else "k"
            out[key] = mutate_json(out.get(key), rng, depth + 1)
        if rng.random() < 0.2 and out:
            del out[rng.choice(list(out.keys()))]
        return out
    if isinstance(value, str):
        return mutate_text(value, rng)
    return mutate_json(None, rng, depth + 1)

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--base', default='http://127.0.0.1:8099')
    parser.add_argument('--token', required=True)
    parser.add_argument('--seconds', type=float, default=180)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with urllib.request.urlopen(urllib.request.Request(args.base + '/api/v1/progress/template?territory=430000000&period=2026-Q4',
                                                       headers={'Authorization': 'Bearer ' + args.token}), timeout=60) as r:
        template = r.read().decode('utf-8')
    bodies = [
        ('/api/v1/progress', {"indicator": "HOU-01", "territory": "22", "period": "2026-Q4", "value": 12.5, "comment": "акт", "evidence": "https://x"}),
        ('/api/v1/progress/1/corrections', {"value": 3, "reason": "опечатка", "comment": "c"}),
        ('/api/v1/session', {"username": "coord-kyzylorda", "password": "wrong-password"}),
        ('/api/v1/flags/1/explanation', {"text": "объяснение"}),
        ('/api/v1/hearings', {"faction": "maslikhat", "faction_territory": "430000000", "held_on": "2026-12-10", "title": "t", "depth": 1}),
    ]
    end = time.time() + args.seconds
    counts, failures, n = {}, [], 0
    while time.time() < end:
        n += 1
        if n % 2:
            text = mutate_text(template if rng.random() < 0.7 else template[:rng.randint(0, len(template))], rng)
            path = '/api/v1/progress/import?dry_run=' + rng.choice(['true', 'true', 'false', 'tru', '1'])
            status, body = post(args.base, path, text.encode('utf-8', 'surrogatepass'), args.token, 'text/csv')
            kind = 'csv'
        else:
            path, value = rng.choice(bodies)
            mutated = mutate_json(value, rng)
            raw = json.dumps(mutated, ensure_ascii=rng.random() < 0.5).encode('utf-8', 'surrogatepass')
            if rng.random() < 0.3:
                raw = mutate_text(raw.decode('utf-8', 'replace'), rng).encode('utf-8', 'surrogatepass')
            status, body = post(args.base, path, raw, args.token, 'application/json')
            kind = 'json'
        counts[(kind, status)] = counts.get((kind, status), 0) + 1
        if status >= 500:
            failures.append((kind, path, status, body[:300]))
    for (kind, status), count in sorted(counts.items()):
        print(f"{kind} {status}: {count}")
    for failure in failures[:20]:
        print("FAILURE", failure)
    with urllib.request.urlopen(args.base + '/health', timeout=10) as r:
        print("health after the run:", r.status)
    print(f"fuzz: {n} requests, {len(failures)} with a 5xx")
    sys.exit(1 if failures else 0)

if __name__ == '__main__':
    main()
