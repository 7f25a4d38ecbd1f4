"""Words for a synthetic desk: customers' names, the problems they write in with, and the
replies and notes that answer them, varied enough that full-text search has a realistic
vocabulary to work on (common words in most messages, product names in a few percent,
order numbers in a handful of cases each).

`DeskTexts` draws from its own random generator, so adding text to a seeded desk does
not change the cases, owners and dates the same seed gives (the insights' figures).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = [
    "Ada",
    "Aisha",
    "Alba",
    "Alex",
    "Amara",
    "Ana",
    "Anders",
    "Anna",
    "Arjun",
    "Ben",
    "Bianca",
    "Carla",
    "Chen",
    "Chiara",
    "Dario",
    "David",
    "Defne",
    "Elena",
    "Emil",
    "Emma",
    "Esther",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jamal",
    "Jana",
    "Jonas",
    "Julia",
    "Kai",
    "Kenji",
    "Lara",
    "Leila",
    "Leo",
    "Lina",
    "Luca",
    "Maria",
    "Marek",
    "Maya",
    "Mei",
    "Mia",
    "Nadia",
    "Nico",
    "Noah",
    "Nora",
    "Olga",
    "Omar",
    "Pablo",
    "Paula",
    "Pedro",
    "Priya",
    "Rafael",
    "Rosa",
    "Ruth",
    "Sami",
    "Sara",
    "Sofia",
    "Tariq",
    "Theo",
    "Tom",
    "Vera",
    "Wei",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST_NAMES = [
    "Abara",
    "Andersen",
    "Bauer",
    "Becker",
    "Bianchi",
    "Brown",
    "Castro",
    "Chen",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Green",
    "Haddad",
    "Hansen",
    "Ito",
    "Jansen",
    "Kaya",
    "Khan",
    "Kim",
    "Kowalski",
    "Larsen",
    "Lopez",
    "Martin",
    "Meyer",
    "Moreau",
    "Morris",
    "Murphy",
    "Nakamura",
    "Novak",
    "Okafor",
    "Olsen",
    "Patel",
    "Perez",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Suzuki",
    "Tanaka",
    "Taylor",
    "Vargas",
    "Weber",
    "Wilson",
    "Wong",
    "Yilmaz",
    "Young",
    "Zhang",
]
PRODUCTS = (
    "jug blender",
    "espresso machine",
    "desk lamp",
    "standing desk",
    "office chair",
    "air fryer",
    "rice cooker",
    "kettle",
    "toaster",
    "hair dryer",
    "electric toothbrush",
    "bluetooth speaker",
    "wireless earbuds",
    "phone case",
    "laptop sleeve",
    "backpack",
    "running shoes",
    "winter jacket",
    "wool scarf",
    "yoga mat",
    "dumbbell set",
    "bike helmet",
    "garden hose",
    "lawn mower",
    "drill driver",
    "tool kit",
    "duvet cover",
    "pillow set",
    "bath towels",
    "frying pan",
    "knife block",
    "coffee grinder",
    "smart watch",
    "baby monitor",
    "car seat",
    "stroller",
    "dog bed",
    "cat tree",
    "aquarium filter",
    "printer ink",
    "gaming mouse",
    "mechanical keyboard",
    "monitor arm",
    "webcam",
    "router",
    "smart plug",
    "vacuum cleaner",
    "robot vacuum",
    "dehumidifier",
    "space heater",
)
CARRIERS = ("DHL", "UPS", "FedEx", "the postal service", "DPD", "GLS")
# Per category: the problem's one-line summary and the customer's first message, with
# {product}, {order}, {amount}, {carrier}, {days} and {date} filled in.
PROBLEMS: dict[str, tuple[tuple[str, str], ...]] = {
    "billing": (
        (
            "Charged twice for order {order}",
            "Hello, my card was charged twice for order {order} ({amount}). I only bought one "
            "{product}. Please refund the second payment.",
        ),
        (
            "Wrong price on the {product}",
            "The {product} was advertised at a lower price but I paid {amount} at checkout. "
            "Can you refund the difference?",
        ),
    ),
    "delivery": (
        (
            "{product} not delivered",
            "My {product} (order {order}) was due {days} days ago and {carrier} still shows it "
            "as in transit. Where is my parcel?",
        ),
        (
            "Parcel marked delivered but not received",
            "{carrier} says order {order} was delivered on {date} but nothing arrived. My "
            "neighbours have not seen it either.",
        ),
    ),
    "returns": (
        (
            "Return label for the {product}",
            "I would like to return the {product} from order {order}; it is too small. How do "
            "I get a return label?",
        ),
        (
            "Refund for returned {product} missing",
            "I sent the {product} back {days} days ago with {carrier} and have not had my "
            "refund of {amount} yet.",
        ),
    ),
    "account": (
        (
            "Cannot change my e-mail address",
            "I moved to a new e-mail address but the account page will not save it. It says "
            "the address is already in use.",
        ),
        ("Delete my account", "Please close my account and delete my data. I have no open orders."),
    ),
    "damaged": (
        (
            "{product} arrived broken",
            "The box for order {order} was crushed and the {product} inside is cracked. I "
            "attached photos of the damage.",
        ),
        (
            "Scratched {product}",
            "My new {product} has a deep scratch on the side, straight out of the box. "
            "I would like a replacement.",
        ),
    ),
    "refund": (
        (
            "Refund of {amount} not received",
            "You promised a refund of {amount} for order {order} on {date}. It has still not "
            "reached my bank account.",
        ),
        (
            "Partial refund for the late {product}",
            "The {product} came {days} days late and I had to buy another one locally. I think "
            "a partial refund is fair.",
        ),
    ),
    "login": (
        (
            "Cannot log in",
            "I keep getting 'wrong password' even after resetting it twice. The reset e-mail "
            "link says it has expired.",
        ),
        (
            "Two-factor code never arrives",
            "The text message with my login code never arrives, so I cannot see my orders.",
        ),
    ),
    "subscription": (
        (
            "Cancel my subscription",
            "Please cancel my monthly subscription for {product} refills. I was charged "
            "{amount} again this month after cancelling.",
        ),
        (
            "Subscription paused without asking",
            "My subscription was paused on {date} and I did not ask for that. I need the "
            "next delivery.",
        ),
    ),
    "warranty": (
        (
            "{product} stopped working",
            "My {product} stopped working after {days} days. It is still under warranty. "
            "Order {order}.",
        ),
        (
            "Warranty repair taking too long",
            "I sent my {product} for repair {days} days ago and have heard nothing since.",
        ),
    ),
    "store": (
        (
            "Rude staff at the store",
            "I was treated rudely at your store when I asked about the {product}. The "
            "manager would not listen.",
        ),
        (
            "Store will not accept my return",
            "The store refused to take back the {product} although I have the receipt for "
            "order {order}.",
        ),
    ),
    "invoice": (
        (
            "Invoice for order {order}",
            "I need an invoice with my company's VAT number for order {order} ({amount}).",
        ),
        (
            "Wrong address on the invoice",
            "The invoice for the {product} shows my old address. Please send a corrected one.",
        ),
    ),
    "other": (
        (
            "Question about the {product}",
            "Does the {product} come with a European plug, and is there a manual in Spanish?",
        ),
        (
            "Gift wrapping for order {order}",
            "Can you still add gift wrapping to order {order}? It is a birthday present.",
        ),
    ),
}
REPLIES = (
    "Thank you for writing, {name}. I have {action} and will check on {weekday} that it "
    "has reached you.",
    "Hello {name}, I am sorry about the {product}. I have {action}; you will get an e-mail "
    "from us today.",
    "Hi {name}, thanks for your patience. I have {action}. If anything is still wrong, "
    "reply here and it comes straight back to me.",
)
ACTIONS = (
    "refunded the second payment",
    "sent a replacement by express delivery",
    "opened a trace with the carrier",
    "emailed you a prepaid return label",
    "reset your login and sent a new link",
    "cancelled the subscription from today",
    "booked the repair with priority",
    "corrected the invoice and attached it",
    "credited {amount} to your card",
    "asked the store manager to call you",
)
NOTES = (
    "Customer called too; same issue. Carrier trace opened, reference {order}.",
    "Checked the payment provider: two captures for {order}, one voided.",
    "Third contact about this {product}. Offer the replacement if the trace fails.",
    "Warehouse confirms the {product} left on {date}.",
    "Asked finance to speed up the refund of {amount}.",
)
AGAIN = (
    "It broke again.",
    "The {product} has the same problem again after a week.",
    "Still not fixed: order {order} shows the same error.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class CaseText:
    problem: str
    first: str
    reply: str
    note: str
    again: str


class DeskTexts:
    """Names and messages, drawn from their own generator."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def case(self, case_id: int, category: str, customer_name: str) -> CaseText:
        rng = self.rng
        product = rng.choice(PRODUCTS)
        values = {
            "product": product,
            "order": f"A{100_000 + case_id * 7 % 900_000:06d}",
            "amount": f"{rng.randrange(5, 400)}.{rng.randrange(0, 100):02d} EUR",
            "carrier": rng.choice(CARRIERS),
            "days": str(rng.randrange(2, 30)),
            "date": f"{rng.randrange(1, 29)} {rng.choice(('May', 'June', 'July', 'August'))}",
            "name": customer_name.split()[0],
            "weekday": rng.choice(WEEKDAYS),
        }
        problem, first = rng.choice(PROBLEMS.get(category, PROBLEMS["other"]))
        action = rng.choice(ACTIONS).format(**values)
        return CaseText(
            problem=problem.format(**values)[:1].upper() + problem.format(**values)[1:],
            first=first.format(**values),
            reply=rng.choice(REPLIES).format(action=action, **values),
            note=rng.choice(NOTES).format(**values),
            again=rng.choice(AGAIN).format(**values),
        )
