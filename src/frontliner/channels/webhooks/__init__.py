"""Webhooks out: events fanned out to subscriptions and POSTed, signed, by the worker.

- `signing.py`: each subscription's secret (derived, never stored) and the signature
  header `Frontliner-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`;
- `targets.py`: where a URL points after DNS, refused when private unless allowed;
- `delivery.py`: fan out new events into deliveries, send one (retries with doubling
  delays for the retry window, then the webhook is disabled), the admins' mail.
See docs/webhooks.md.
"""
