"""``simgen report``: a static HTML report of a workspace or a run, from what the runs recorded."""
