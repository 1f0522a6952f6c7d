"""What the learner did: the progress store and scheduling. Plain Python, no Textual."""
