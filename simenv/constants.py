"""World facts fixed by the task API (units: metres, radians, seconds)."""

from __future__ import annotations

import numpy as np

#: Workspace bounds: rows are x, y, z; columns are (min, max).
BOUNDS = np.array([[0.25, 0.75], [-0.5, 0.5], [0.0, 0.3]])
#: Top-down image pixel size: the workspace is 320 rows (y) by 160 columns (x).
PIX_SIZE = 0.003125
HEIGHTMAP_SHAPE = (320, 160)
WORKSPACE_CENTER = (0.5, 0.0, 0.0)

#: Physics rate of the simulator.
SIM_HZ = 240
#: Default number of pick-and-place steps in one episode.
DEFAULT_MAX_STEPS = 10
#: Default lift height of the pick-and-place primitive.
DEFAULT_LIFT_HEIGHT = 0.32
#: The arm's joint speed (radians per physics step) when it carries nothing: CLIPort's default
#: for every motion of the arm, and the default of ``Environment.movej``/``movep``.
ARM_SPEED = 0.01
#: Match tolerances.
POS_EPS = 0.01
ROT_EPS = float(np.deg2rad(15))
#: Summed episode reward above which an episode counts as a success.
SUCCESS_THRESHOLD = 0.99
