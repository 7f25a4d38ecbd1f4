"""The e-mail channel, inbound side.

Two steps, so a receiving server can acknowledge only what is durable:

1. `intake.accept(engine, raw, ...)` stores the raw bytes and commits; the commit *is*
   the acknowledgement (SMTP answers 250 only after it returns; IMAP marks a message
   seen only after it returns).
2. `processing.process_mail(uow_factory, mail_id)` parses the stored message inside
   guards, threads it onto a case (or opens one) and records it; anything it cannot
   read goes to the quarantine with a reason, raw bytes kept, for `frontliner mail
   quarantine retry`. `batches.file_batch(uow_factory, mail_ids)` does the same for
   several stored messages in one transaction (what the SMTP server does with mail
   waiting); it commits all of them or none.

`addresses` holds the reply-token and Message-ID scheme shared with outbound mail.
"""
