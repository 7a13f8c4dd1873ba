"""Where papers come from: source specs and labels, HTTP fetching, feed parsing."""
