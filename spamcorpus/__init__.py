"""The application on top of the library rooms: the `spamcorpus` CLI and the sample web the demo crawls."""
