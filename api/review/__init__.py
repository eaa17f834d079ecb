"""The analyst's review inbox (granskning): accept, correct, merge duplicates, reject."""
