"""One Textual Screen per job: gather input, call a service, show the result."""
