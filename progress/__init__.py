"""What the learner did: the progress store and scheduling. Plain Python, no Textual."""

OWNER = "awstutor"  # checked at start-up: another project's package of this name is not ours
