"""``simgen bench``: benchmarks that compare language models on task generation (GenSim's metrics)."""
