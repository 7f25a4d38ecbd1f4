"""Write bench/labels/messages/bitext-support.jsonl: our labels for a seeded sample of the
Bitext support utterances, derived from their intent (the texts stay in the data set).

    python bench/bitext_labels.py --data /path/to/bitext-support/utterances.csv

The utterances are generated requests, so they teach variety only, never measure:
- intents that ask for something routine (an invoice, an account, an address) are not
  complaints; intents that may or may not report a failure (payment issue, refund,
  complaint, registration problem) leave `complaint` unlabelled;
- none attacks a person: their swearing ("a f... refund") is about the situation, so
  every sample is labelled not abuse, which is what the abuse heads must learn from them.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

ROUTINE = {
    "create_account",
    "get_invoice",
    "track_order",
    "check_invoices",
    "recover_password",
    "change_order",
    "delete_account",
    "review",
    "check_refund_policy",
    "check_cancellation_fee",
    "delivery_options",
    "switch_account",
    "check_payment_methods",
    "newsletter_subscription",
    "delivery_period",
    "edit_account",
    "change_shipping_address",
    "set_up_shipping_address",
    "place_order",
    "cancel_order",
    "contact_customer_service",
    "contact_human_agent",
}
SWEARING, OTHER = 500, 900  # how many of each to sample
OUT = Path(__file__).resolve().parent / "labels" / "messages" / "bitext-support.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="utterances.csv")
    args = parser.parse_args()
    with args.data.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(enumerate(csv.DictReader(handle), start=1))
    rng = random.Random(11)
    swearing = [r for r in rows if "W" in r[1]["flags"]]
    other = [r for r in rows if "W" not in r[1]["flags"]]
    chosen = sorted(rng.sample(swearing, SWEARING) + rng.sample(other, OTHER), key=lambda r: r[0])
    with OUT.open("w", encoding="utf-8") as out:
        for line, row in chosen:
            fields: dict[str, object] = {"abuse": False, "abuse_kinds": []}
            if row["intent"] in ROUTINE:
                fields["complaint"] = False
            label = {"id": f"bitext-support:{line}", "generated": True, "customer": fields}
            out.write(json.dumps(label) + "\n")
    print(f"{len(chosen)} labels written to {OUT}")


if __name__ == "__main__":
    main()
