"""Practice mode: scenarios an agent answers, graded by the same coach as production.

- `scenario.py`: what a scenario is (a customer's message or short thread, the facts an
  agent would have, their empowerment, knowledge articles, expectations, a model
  answer) and how one is checked; the same for the packaged library and a lead's own.
- `library.py`: the starter library shipped as YAML files in `scenarios/`.
- `grading.py`: the grade of a reply (coach findings explained, expectations met).
- `anonymise.py`: a closed case's words with the customer's details taken out.
- `operations.py`: the writes (attempts and progress, a lead's scenarios, the welcome).
"""
