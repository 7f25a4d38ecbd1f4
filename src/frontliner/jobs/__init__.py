"""Background work on a real job queue (huey).

- `queue.make_huey(settings)`: the queue's storage from FRONTLINER_QUEUE_URL (a SQLite
  file under the data directory by default; Redis, PostgreSQL or memory otherwise).
- `mail.install(huey, outbox, ...)`: the mail tasks (send one outbox row, with doubling
  retry delays; look for mail owed once a minute). The outbox itself belongs to the
  e-mail channel (`channels/email/outbox.py`); `frontliner worker` (cli_jobs.py) plugs
  it in, because the jobs and the channels never import each other.
"""
