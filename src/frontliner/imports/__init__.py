"""Moving in from another helpdesk: `frontliner import SOURCE PATH`.

Readers (`zendesk`, `freshdesk`, `csv_source`) turn an export into the desk's import
records (`desk.imports`); `run` brings them in by batches (`store.imports`), with the
inbound analyser's reading of each customer message, a rejects file for what cannot
come in, and a dry run that writes nothing. See docs/import.md.
"""
