"""The graph's nodes, one module each; ``graph.builder`` wires them."""
