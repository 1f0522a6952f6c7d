"""The course: content files plus the pure model (loading, validation, search,
question bank, formulas). Plain Python: never imports Textual."""
