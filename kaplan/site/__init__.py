"""The build and the plan site: tasks, cache, pages, preview server, repository scaffold."""
