"""The first module each app worker process imports when `frontliner serve --workers N`
starts them (see `cli_web._workers_import_only_the_app`).

Deliberately empty: multiprocessing's "spawn" imports the parent's main module in every
worker before the worker answers its supervisor's first ping, so that module must be
quick to import, and the `frontliner` script (Typer, Rich, the coach's command line) is
neither quick nor needed there. The worker then imports the app itself.
"""
