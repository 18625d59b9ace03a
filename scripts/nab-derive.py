#!/usr/bin/env python3
"""Derive short, coarse and irregular NAB corpora from the development subset (dev tool, never run by CI).

NAB's full corpus has categories our development subset lacks: short, coarse series (realAdExchange:
~1,600 hourly rows with gaps; realTraffic: ~2,500 rows at irregular 5-minute steps; realAWSCloudwatch:
~4,000 rows), where anomaly windows are dense in points. This script emulates those conditions from the
18 files we have, so that a detector change can be measured on them without looking at the full corpus.

Usage:
    scripts/nab-derive.py --nab ../shared/data/nab --out /tmp/nab-derived --seed 42

Writes one corpus per variant, each in NAB's layout (OUT/VARIANT/data/<category>/<file>.csv and
OUT/VARIANT/labels/combined_windows.json), to be run with
    java -jar deploy/target/vigil.jar nab --data OUT/VARIANT/data \
        --windows OUT/VARIANT/labels/combined_windows.json --out /tmp/res --score
Variants (the same for every file: nothing is chosen per file or category):
    dec3, dec6, dec12  mean of k consecutive rows, stamped with the group's first timestamp (coarser, k
                       times shorter)
    short              a random span of 1,500-4,000 rows of the original file around one of its windows
    irr                dec3, then each row dropped with probability 0.25 (irregular steps, gaps)
    mix                decimated by a random k in {3, 6, 12}, truncated to at most 4,000 rows around a
                       window, then 10 % of rows dropped: short, coarse and irregular at once
Windows are mapped to the new rows: a window starts at the first new row made (partly) of rows at or after
its start and ends at the last new row made (partly) of rows at or before its end; windows that come to
overlap are merged, and a window that would start inside NAB's probationary period (min(15 % of the rows,
750)) is dropped, as NAB's own labelling does. The random choices depend only on --seed and the file name.
Python 3 standard library only.
"""
import argparse
import hashlib
import json
import os
import random
from datetime import datetime

FMT = "%Y-%m-%d %H:%M:%S"


def read_csv(path):
    rows = []
    with open(path, newline="") as f:
        next(f)
        for line in f:
            line = line.strip()
            if line:
                ts, value = line.split(",")
                rows.append((ts.strip(), float(value)))
    return rows


def index_of(rows, ts):
    key = datetime.strptime(ts.split(".")[0], FMT).strftime(FMT)
    return next(i for i, (t, _) in enumerate(rows) if t == key)


# A derived row: (timestamp, value, lo, hi), lo..hi the original row indices it stands for.
def identity(rows):
    return [(t, v, i, i) for i, (t, v) in enumerate(rows)]


def decimate(drows, k):
    out = []
    for g in range(0, len(drows) - k + 1, k):
        group = drows[g:g + k]
        out.append((group[0][0], sum(r[1] for r in group) / k, group[0][2], group[-1][3]))
    return out


def truncate(drows, windows, rng, lo_len, hi_len):
    """A span of lo_len..hi_len rows placed so that a random window of the file starts after its probation."""
    n = len(drows)
    length = rng.randint(lo_len, hi_len)
    if n <= length:
        return drows
    starts = [next((i for i, r in enumerate(drows) if r[3] >= s), None) for s, _ in windows]
    starts = [s for s in starts if s is not None]
    if not starts:
        a = rng.randint(0, n - length)
    else:
        anchor = rng.choice(starts)
        probation = min(int(0.15 * length), 750)
        offset = rng.randint(probation + length // 20, max(probation + length // 20, int(0.7 * length)))
        a = min(max(0, anchor - offset), n - length)
    return drows[a:a + length]


def drop(drows, rng, share):
    return [r for r in drows if rng.random() >= share]


def map_windows(drows, windows):
    """Original (start, end) row indices to new (start, end) row indices, merged, outside probation."""
    out = []
    for s, e in windows:
        first = next((i for i, r in enumerate(drows) if r[3] >= s), None)
        last = next((i for i in range(len(drows) - 1, -1, -1) if drows[i][2] <= e), None)
        if first is None or last is None or last < first:
            continue
        if out and first <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    probation = min(int(0.15 * len(drows)), 750)
    return [(s, e) for s, e in out if s >= probation]


def derive(variant, rows, windows, rng):
    d = identity(rows)
    if variant.startswith("dec"):
        return decimate(d, int(variant[3:]))
    if variant == "short":
        return truncate(d, windows, rng, 1500, 4000)
    if variant == "irr":
        return drop(decimate(d, 3), rng, 0.25)
    if variant == "mix":
        d = decimate(d, rng.choice([3, 6, 12]))
        d = truncate(d, windows, rng, 1500, 4000)
        return drop(d, rng, 0.10)
    raise ValueError(variant)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nab", required=True, help="NAB directory with data/ and labels/combined_windows.json")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--variants", default="dec3,dec6,dec12,short,irr,mix")
    args = p.parse_args()
    with open(os.path.join(args.nab, "labels", "combined_windows.json")) as f:
        labels = json.load(f)
    for variant in args.variants.split(","):
        new_labels = {}
        for name in sorted(labels):
            rows = read_csv(os.path.join(args.nab, "data", name))
            windows = [(index_of(rows, s), index_of(rows, e)) for s, e in labels[name]]
            digest = hashlib.sha256(f"{args.seed}/{variant}/{name}".encode()).digest()
            rng = random.Random(int.from_bytes(digest[:8], "big"))
            drows = derive(variant, rows, windows, rng)
            path = os.path.join(args.out, variant, "data", name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write("timestamp,value\n")
                for t, v, _, _ in drows:
                    f.write(f"{t},{v!r}\n")
            new_labels[name] = [[drows[s][0] + ".000000", drows[e][0] + ".000000"]
                                for s, e in map_windows(drows, windows)]
        os.makedirs(os.path.join(args.out, variant, "labels"), exist_ok=True)
        with open(os.path.join(args.out, variant, "labels", "combined_windows.json"), "w") as f:
            json.dump(new_labels, f, indent=4)
        count = sum(len(w) for w in new_labels.values())
        print(f"{variant}: {len(new_labels)} files, {count} windows")


if __name__ == "__main__":
    main()
