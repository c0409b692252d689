"""Exports from the gradebook (read-only): CSV for spreadsheets and LMS imports, Gradescope
`results.json` files, and a JSON dump of everything."""
