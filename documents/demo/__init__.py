"""The demo town "Musterstadt": a believable German municipality for trying Ratsinfo out and
for benchmarks (`manage.py seed_demo`).

This package is a data builder, like the factories of the test suite: it creates rows with
the ORM directly (in bulk where it can) instead of going through the domain services, since it
only ever writes into an empty database within one transaction. The clerk role is the
exception and is granted through `ratsinfo.services.clerk_grant`. All randomness comes from
one seeded `random.Random`, so the same seed and reference date give the same town and
byte-identical files.

Modules: `boards` (fixed structure and logins), `town` (body, people, memberships, users),
`schedule` (meeting calendar), `papers` (papers and consultations), `agenda` (agendas and
results), `plan` (the records all of these fill), `topics`, `topics_building`,
`topics_council`, `prose` and `names` (German content), `pdf_layout`, `render_pdf` and
`render_docx` (files), `files` and `persist` (storage and database writes), `seed` (the
transaction around it all) and `progress` (output).
"""
