"""``simgen bench``: experiments that compare language models on task generation (GenSim's
metrics, ``simgen bench llm``) and measure whether generated tasks help a policy on held-out
tasks (``simgen bench policy``). The speed and quality benchmarks of the code itself are the
scripts in ``benchmarks/``."""
