"""Findings from a team's own tools: a code scanner's SARIF or a test run's JUnit XML, read (`reports`), matched to
the practices of the review's lens through the lens's checks (`matching`), and written as evidence of the passing
checks and findings of the failing ones (`services`). See the evidence app's README.md."""
