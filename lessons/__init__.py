"""The course: content files plus the pure model (loading, validation, search,
question bank, formulas). Plain Python: never imports Textual."""

OWNER = "awstutor"  # checked at start-up: another project's package of this name is not ours
