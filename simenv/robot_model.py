"""Our 6-DoF arm, written as URDF here: a UR-style chain with a tool at the wrist.

The tool tip's frame is identity in the world when the tool points straight down, so a
top-down grasp pose is just ``(position, yaw quaternion)``, as the task API expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simenv.scratch import scratch_dir

#: Lengths of the chain (metres): base height, upper arm, forearm, two wrist links.
BASE_HEIGHT = 0.10
UPPER_ARM = 0.50
FOREARM = 0.50
WRIST_1 = 0.06
WRIST_2 = 0.06
#: Tool lengths from the last wrist joint to the tip.
SUCTION_LENGTH = 0.09
SPATULA_LENGTH = 0.10


def _link(name: str, length: float, radius: float, mass: float, rgba: str) -> str:
    return f"""
  <link name="{name}">
    <inertial><origin xyz="0 0 {length / 2:.4f}"/><mass value="{mass}"/>
      <inertia ixx="0.01" iyy="0.01" izz="0.01" ixy="0" ixz="0" iyz="0"/></inertial>
    <visual><origin xyz="0 0 {length / 2:.4f}"/>
      <geometry><cylinder radius="{radius}" length="{length:.4f}"/></geometry>
      <material name="{name}_mat"><color rgba="{rgba}"/></material></visual>
    <collision><origin xyz="0 0 {length / 2:.4f}"/>
      <geometry><cylinder radius="{radius * 0.8:.4f}" length="{length * 0.9:.4f}"/></geometry>
    </collision>
  </link>"""


def _joint(name: str, parent: str, child: str, z: float, axis: str, limit: float) -> str:
    return f"""
  <joint name="{name}" type="revolute">
    <parent link="{parent}"/><child link="{child}"/>
    <origin xyz="0 0 {z:.4f}"/><axis xyz="{axis}"/>
    <limit lower="{-limit}" upper="{limit}" effort="300" velocity="6"/>
  </joint>"""


@dataclass(frozen=True)
class ToolShape:
    """A tool: a shaft from the wrist, then the tip link whose frame is the tool's pose."""

    shaft_radius: float
    shaft_length: float
    tip_geometry: str
    tip_mass: float
    length: float  # from the wrist flange to the tip frame


TOOLS = {
    "suction": ToolShape(
        0.010, 0.07, '<cylinder radius="0.008" length="0.02"/>', 0.01, SUCTION_LENGTH
    ),
    "spatula": ToolShape(0.008, 0.08, '<box size="0.005 0.08 0.03"/>', 0.02, SPATULA_LENGTH),
}


def _tool(shape: ToolShape) -> str:
    half = shape.shaft_length / 2
    return f"""
  <link name="tool">
    <inertial><origin xyz="0 0 {half:.4f}"/><mass value="0.1"/>
      <inertia ixx="0.0001" iyy="0.0001" izz="0.0001" ixy="0" ixz="0" iyz="0"/></inertial>
    <visual><origin xyz="0 0 {half:.4f}"/>
      <geometry><cylinder radius="{shape.shaft_radius + 0.002:.4f}" length="{shape.shaft_length:.4f}"/></geometry>
      <material name="tool_mat"><color rgba="0.15 0.15 0.15 1"/></material></visual>
    <collision><origin xyz="0 0 {half:.4f}"/>
      <geometry><cylinder radius="{shape.shaft_radius:.4f}" length="{shape.shaft_length:.4f}"/></geometry>
    </collision>
  </link>
  <joint name="tool_mount" type="fixed"><parent link="wrist_3"/><child link="tool"/>
    <origin xyz="0 0 {WRIST_2:.4f}"/></joint>
  <link name="tip">
    <inertial><mass value="{shape.tip_mass}"/>
      <inertia ixx="0.00001" iyy="0.00001" izz="0.00001" ixy="0" ixz="0" iyz="0"/></inertial>
    <visual><origin xyz="0 0 0.01"/><geometry>{shape.tip_geometry}</geometry>
      <material name="tip_mat"><color rgba="0.65 0.65 0.7 1"/></material></visual>
    <collision><origin xyz="0 0 0.01"/><geometry>{shape.tip_geometry}</geometry></collision>
  </link>
  <joint name="tip_mount" type="fixed"><parent link="tool"/><child link="tip"/>
    <origin xyz="0 0 {shape.length:.4f}" rpy="0 3.14159265359 0"/></joint>"""


def arm_urdf_text(tool: str) -> str:
    """The URDF of the arm with a ``'suction'`` or ``'spatula'`` tool."""
    if tool not in TOOLS:
        raise ValueError(f"Unknown tool '{tool}'; expected one of {sorted(TOOLS)}")
    pi = 3.14159265359
    body = "".join(
        [
            _link("base", BASE_HEIGHT, 0.07, 0.0, "0.35 0.35 0.4 1"),
            _joint("shoulder_pan", "base", "shoulder", BASE_HEIGHT, "0 0 1", pi),
            _link("shoulder", 0.001, 0.06, 2.0, "0.3 0.45 0.7 1"),
            _joint("shoulder_lift", "shoulder", "upper_arm", 0.0, "0 1 0", pi),
            _link("upper_arm", UPPER_ARM, 0.045, 3.0, "0.3 0.45 0.7 1"),
            _joint("elbow", "upper_arm", "forearm", UPPER_ARM, "0 1 0", pi),
            _link("forearm", FOREARM, 0.035, 2.0, "0.3 0.45 0.7 1"),
            _joint("wrist_1", "forearm", "wrist_1_link", FOREARM, "0 1 0", 2 * pi),
            _link("wrist_1_link", WRIST_1, 0.03, 0.5, "0.3 0.3 0.35 1"),
            _joint("wrist_2", "wrist_1_link", "wrist_2_link", WRIST_1, "0 0 1", 2 * pi),
            _link("wrist_2_link", 0.001, 0.03, 0.3, "0.3 0.3 0.35 1"),
            _joint("wrist_3", "wrist_2_link", "wrist_3", 0.0, "0 1 0", 2 * pi),
            _link("wrist_3", WRIST_2, 0.028, 0.3, "0.3 0.3 0.35 1"),
            _tool(TOOLS[tool]),
        ]
    )
    return f'<?xml version="1.0"?>\n<robot name="simgen_arm_{tool}">{body}\n</robot>\n'


def arm_urdf_path(tool: str) -> Path:
    """The arm's URDF, written once per process into its scratch folder; returns its path."""
    path = scratch_dir() / f"arm-{tool}.urdf"
    if not path.is_file():
        path.write_text(arm_urdf_text(tool))
    return path
