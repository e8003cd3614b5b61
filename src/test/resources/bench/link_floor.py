"""The issue's reference floor: a minimal Python pass over a registry v2 tree.

Reads every tag's current/link (the link pass), then every distinct manifest the tags reach once (the manifest
pass), and prints the median time of each over RUNS runs as "link <seconds>" and "manifest <seconds>". The list
of manifests (children of indexes included) is found before the timed manifest pass.
"""
import json
import os
import statistics
import sys
import time

RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def link_pass(v2):
    digests = set()

    def walk(folder):
        for entry in os.scandir(folder):
            if entry.name == "_manifests":
                for tag in os.scandir(os.path.join(entry.path, "tags")):
                    with open(os.path.join(tag.path, "current", "link"), "rb") as link:
                        digests.add(link.read().decode())
            elif not entry.name.startswith("_") and entry.is_dir(follow_symlinks=False):
                walk(entry.path)

    walk(os.path.join(v2, "repositories"))
    return digests


def blob(v2, digest):
    hex_digits = digest.split(":", 1)[1]
    return os.path.join(v2, "blobs", "sha256", hex_digits[:2], hex_digits, "data")


def manifests(v2, tagged):
    found, pending = set(), list(tagged)
    while pending:
        digest = pending.pop()
        if digest in found:
            continue
        found.add(digest)
        with open(blob(v2, digest), "rb") as data:
            for child in json.load(data).get("manifests", []):
                pending.append(child["digest"])
    return [blob(v2, d) for d in found]


def manifest_pass(files):
    for name in files:
        with open(name, "rb") as data:
            data.read()


def median_time(work):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


v2 = sys.argv[1]
files = manifests(v2, link_pass(v2))
manifest_pass(files)
print("link %.6f" % median_time(lambda: link_pass(v2)))
print("manifest %.6f" % median_time(lambda: manifest_pass(files)))
