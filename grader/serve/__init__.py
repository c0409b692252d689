"""serve: the submission server (web pages and JSON API over the gradebook queue)."""
