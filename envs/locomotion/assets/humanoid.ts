/**
 * The Humanoid model as MJCF text. It lives in a module, not an .xml file, so that the package reads no
 * file when imported by URL or from JSR; this is the only copy (tests hand it to MuJoCo through MuJoCo's
 * virtual file system).
 *
 * @module
 */

/** MJCF (MuJoCo XML) of the Humanoid model, parsed by `loadMjcf`. */
export const HUMANOID_XML: string = `<!--
  Humanoid for the locomotion suite (Brax v2 "humanoid" dynamics; written from reference/brax.md §1.3).
  Torso on a free joint; abdomen, hips, knees, shoulders and elbows as (stacked) hinges. The feet carry no
  joint and are fused into the shins at load time; only the two foot spheres touch the ground.
-->
<mujoco model="humanoid">
  <compiler angle="degree" inertiafromgeom="true" />
  <option timestep="0.003" iterations="8" />
  <custom>
    <numeric name="solver_maxls" data="15" />
  </custom>
  <default>
    <joint armature="1" damping="1" limited="true" />
    <geom contype="0" conaffinity="0" condim="3" rgba="0.8 0.6 0.4 1" />
    <motor ctrllimited="true" ctrlrange="-0.4 0.4" />
    <default class="foot">
      <geom type="sphere" size="0.075" pos="0 0 0.1" contype="1" />
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="20 20 0.125" conaffinity="1" friction="1 0.1 0.1"
      rgba="0.5 0.5 0.5 1" />
    <body name="torso" pos="0 0 1.4">
      <joint name="root" type="free" armature="0" damping="0" stiffness="0" limited="false" />
      <geom name="chest" type="capsule" fromto="0 -0.07 0 0 0.07 0" size="0.07" />
      <geom name="head" type="sphere" pos="0 0 0.19" size="0.09" />
      <geom name="upper_waist" type="capsule" fromto="-0.01 -0.06 -0.12 -0.01 0.06 -0.12" size="0.06" />

      <body name="lwaist" pos="-0.01 0 -0.26" quat="1 0 -0.002 0">
        <geom name="lwaist" type="capsule" fromto="0 -0.06 0 0 0.06 0" size="0.06" />
        <joint name="abdomen_z" axis="0 0 1" pos="0 0 0.065" range="-45 45" stiffness="20" damping="5"
          armature="0.02" />
        <joint name="abdomen_y" axis="0 1 0" pos="0 0 0.065" range="-75 30" stiffness="10" damping="5"
          armature="0.02" />
        <body name="pelvis" pos="0 0 -0.165" quat="1 0 -0.002 0">
          <joint name="abdomen_x" axis="1 0 0" pos="0 0 0.1" range="-35 35" stiffness="10" damping="5"
            armature="0.02" />
          <geom name="hips" type="capsule" fromto="-0.02 -0.07 0 -0.02 0.07 0" size="0.09" />

          <body name="right_thigh" pos="0 -0.1 -0.04">
            <joint name="right_hip_x" axis="1 0 0" range="-25 5" stiffness="10" damping="5" armature="0.01" />
            <joint name="right_hip_z" axis="0 0 1" range="-60 35" stiffness="10" damping="5"
              armature="0.01" />
            <joint name="right_hip_y" axis="0 1 0" range="-110 20" stiffness="20" damping="5"
              armature="0.008" />
            <geom name="right_thigh" type="capsule" fromto="0 0 0 0 0.01 -0.34" size="0.06" />
            <body name="right_shin" pos="0 0.01 -0.403">
              <joint name="right_knee" axis="0 -1 0" pos="0 0 0.02" range="-160 -2" armature="0.006" />
              <geom name="right_shin" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049" />
              <body name="right_foot" pos="0 0 -0.45">
                <geom name="right_foot" class="foot" />
              </body>
            </body>
          </body>

          <body name="left_thigh" pos="0 0.1 -0.04">
            <joint name="left_hip_x" axis="-1 0 0" range="-25 5" stiffness="10" damping="5" armature="0.01" />
            <joint name="left_hip_z" axis="0 0 -1" range="-60 35" stiffness="10" damping="5"
              armature="0.01" />
            <joint name="left_hip_y" axis="0 1 0" range="-110 20" stiffness="20" damping="5"
              armature="0.01" />
            <geom name="left_thigh" type="capsule" fromto="0 0 0 0 -0.01 -0.34" size="0.06" />
            <body name="left_shin" pos="0 -0.01 -0.403">
              <joint name="left_knee" axis="0 -1 0" pos="0 0 0.02" range="-160 -2" stiffness="1"
                armature="0.006" />
              <geom name="left_shin" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049" />
              <body name="left_foot" pos="0 0 -0.45">
                <geom name="left_foot" class="foot" />
              </body>
            </body>
          </body>
        </body>
      </body>

      <body name="right_upper_arm" pos="0 -0.17 0.06">
        <joint name="right_shoulder1" axis="2 1 1" range="-85 60" stiffness="1" armature="0.0068" />
        <joint name="right_shoulder2" axis="0 -1 1" range="-85 60" stiffness="1" armature="0.0051" />
        <geom name="right_upper_arm" type="capsule" fromto="0 0 0 0.16 -0.16 -0.16" size="0.04" />
        <body name="right_lower_arm" pos="0.18 -0.18 -0.18">
          <joint name="right_elbow" axis="0 -1 1" range="-90 50" armature="0.0028" />
          <geom name="right_forearm" type="capsule" fromto="0.01 0.01 0.01 0.17 0.17 0.17" size="0.031" />
          <geom name="right_hand" type="sphere" pos="0.18 0.18 0.18" size="0.04" />
        </body>
      </body>

      <body name="left_upper_arm" pos="0 0.17 0.06">
        <joint name="left_shoulder1" axis="2 -1 1" range="-60 85" stiffness="1" armature="0.0068" />
        <joint name="left_shoulder2" axis="0 1 1" range="-60 85" stiffness="1" armature="0.0051" />
        <geom name="left_upper_arm" type="capsule" fromto="0 0 0 0.16 0.16 -0.16" size="0.04" />
        <body name="left_lower_arm" pos="0.18 0.18 -0.18">
          <joint name="left_elbow" axis="0 -1 -1" range="-90 50" armature="0.0028" />
          <geom name="left_forearm" type="capsule" fromto="0.01 -0.01 0.01 0.17 -0.17 0.17" size="0.031" />
          <geom name="left_hand" type="sphere" pos="0.18 -0.18 0.18" size="0.04" />
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="abdomen_y" joint="abdomen_y" gear="100" />
    <motor name="abdomen_z" joint="abdomen_z" gear="100" />
    <motor name="abdomen_x" joint="abdomen_x" gear="100" />
    <motor name="right_hip_x" joint="right_hip_x" gear="100" />
    <motor name="right_hip_z" joint="right_hip_z" gear="100" />
    <motor name="right_hip_y" joint="right_hip_y" gear="300" />
    <motor name="right_knee" joint="right_knee" gear="200" />
    <motor name="left_hip_x" joint="left_hip_x" gear="100" />
    <motor name="left_hip_z" joint="left_hip_z" gear="100" />
    <motor name="left_hip_y" joint="left_hip_y" gear="300" />
    <motor name="left_knee" joint="left_knee" gear="200" />
    <motor name="right_shoulder1" joint="right_shoulder1" gear="25" />
    <motor name="right_shoulder2" joint="right_shoulder2" gear="25" />
    <motor name="right_elbow" joint="right_elbow" gear="25" />
    <motor name="left_shoulder1" joint="left_shoulder1" gear="25" />
    <motor name="left_shoulder2" joint="left_shoulder2" gear="25" />
    <motor name="left_elbow" joint="left_elbow" gear="25" />
  </actuator>
</mujoco>
`;
