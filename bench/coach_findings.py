"""Every finding and reading the coach gives on real text, to compare two versions of it.

    python bench/coach_findings.py --data ../shared/data/twitter-care/test.json --out /tmp/a.jsonl
    python bench/coach_findings.py --data ... --out /tmp/b.jsonl --compare /tmp/a.jsonl

Speed work must not change what the coach says. This runs the library over
- every agent reply of the data set alone and with its customer message,
- the speed bench's real replies (agent sentences packed into ~400-character replies)
  with the customer messages it pairs them with,
- the speed bench's generated rule-dense replies with each of its customer messages and
  with none,
- `read` on every customer message of the data set,
and writes one JSON line per call (its report or reading, with the item's number, never
its text) to `--out`, a path outside the repository: the data set's texts stay out of it.
`--compare` prints how many lines differ from an earlier run and the first few numbers.
Run it on the code before and after a change, with the same model files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from accuracy_labels import load_conversations
from coach_speed import CUSTOMERS, make_replies, real_replies
from frontliner.coach import Coach


def results(data: Path, generated: int) -> Iterator[str]:
    coach = Coach()
    conversations = list(load_conversations(data).values())
    for n, c in enumerate(conversations):
        yield _line("reply", n, coach.check(c.reply).to_dict())
        if c.customer is not None:
            yield _line("reply+customer", n, coach.check(c.reply, c.customer).to_dict())
    packed, customers = real_replies(data, generated)
    for n, reply in enumerate(packed):
        customer = customers[n % len(customers)]
        yield _line("packed+customer", n, coach.check(reply, customer).to_dict())
    for n, reply in enumerate(make_replies(generated)):
        yield _line("generated", n, coach.check(reply).to_dict())
        for m, customer in enumerate(CUSTOMERS):
            yield _line(f"generated+customer{m}", n, coach.check(reply, customer).to_dict())
    raw = json.loads(data.read_text("utf-8"))
    messages = [t["message"] for c in raw for t in c["dialogContent"] if "client" in t]
    for n, message in enumerate(messages):
        yield _line("read", n, coach.read(message).to_dict())


def _line(what: str, n: int, result: dict[str, object]) -> str:
    return json.dumps({"what": what, "n": n, "result": result}, sort_keys=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="twitter-care test.json")
    parser.add_argument("--out", type=Path, required=True, help="where to write (not the repo)")
    parser.add_argument("--compare", type=Path, help="an earlier --out to compare with")
    parser.add_argument("--generated", type=int, default=2000)
    args = parser.parse_args()
    lines = list(results(args.data, args.generated))
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]
    findings = sum(len(json.loads(line)["result"].get("findings", ())) for line in lines)
    print(f"{len(lines)} results, {findings} findings, sha256 {digest}")
    if args.compare is None:
        return 0
    before = args.compare.read_text(encoding="utf-8").splitlines()
    differ = [
        f"{json.loads(a)['what']} #{json.loads(a)['n']}"
        for a, b in zip(before, lines, strict=False)
        if a != b
    ]
    print(f"compared with {args.compare}: {len(before)} results before, {len(differ)} differ")
    for item in differ[:10]:
        print(f"  differs: {item}")
    return 1 if differ or len(before) != len(lines) else 0


if __name__ == "__main__":
    sys.exit(main())
