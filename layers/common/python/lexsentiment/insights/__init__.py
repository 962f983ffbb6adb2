"""Read side for people: validated questions (queries) and the JSON answers (views) of the API and report."""
