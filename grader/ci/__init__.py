"""`grader ci`: grade the notebooks of a repository inside a CI job (JUnit XML, job summary,
GitHub Classroom points, exit code). The workflow templates live in ci/github/."""
