/**
 * The Ant model as MJCF text. It lives in a module, not an .xml file, so that the package reads no
 * file when imported by URL or from JSR; this is the only copy (tests hand it to MuJoCo through MuJoCo's
 * virtual file system).
 *
 * @module
 */

/** MJCF (MuJoCo XML) of the Ant model, parsed by `loadMjcf`. */
export const ANT_XML: string = `<!--
  Ant quadruped for the locomotion suite (Brax v2 "ant" dynamics; written from reference/brax.md §1.1).
  A torso sphere on a free joint, four two-link legs (hip about z, ankle about the leg's horizontal normal).
  Leg mounts carry no joint and are fused into the torso at load time.
-->
<mujoco model="ant">
  <compiler angle="degree" inertiafromgeom="true" />
  <option timestep="0.01" iterations="4" />
  <custom>
    <numeric name="init_qpos" data="0 0 0.55  1 0 0 0  0 1  0 -1  0 -1  0 1" />
    <numeric name="solver_maxls" data="15" />
  </custom>
  <default>
    <joint armature="1" damping="1" limited="true" />
    <geom density="5" friction="1 0.5 0.5" contype="0" conaffinity="0" condim="3" rgba="0.8 0.6 0.4 1" />
    <default class="foot">
      <geom type="sphere" size="0.08" mass="0" contype="1" />
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="40 40 40" conaffinity="1" rgba="0.5 0.5 0.5 1" />
    <body name="torso" pos="0 0 0.75">
      <joint name="root" type="free" armature="0" damping="0" limited="false" />
      <geom name="torso_ball" type="sphere" size="0.25" />

      <body name="mount_1">
        <geom name="mount_1_capsule" type="capsule" size="0.08" fromto="0 0 0 0.2 0.2 0" />
        <body name="aux_1" pos="0.2 0.2 0">
          <joint name="hip_1" type="hinge" axis="0 0 1" range="-30 30" />
          <geom name="thigh_1" type="capsule" size="0.08" fromto="0 0 0 0.2 0.2 0" />
          <body name="ankle_1_link" pos="0.2 0.2 0">
            <joint name="ankle_1" type="hinge" axis="-1 1 0" range="30 70" />
            <geom name="shin_1" type="capsule" size="0.08" fromto="0 0 0 0.4 0.4 0" />
            <geom name="foot_1" class="foot" pos="0.4 0.4 0" />
          </body>
        </body>
      </body>

      <body name="mount_2">
        <geom name="mount_2_capsule" type="capsule" size="0.08" fromto="0 0 0 -0.2 0.2 0" />
        <body name="aux_2" pos="-0.2 0.2 0">
          <joint name="hip_2" type="hinge" axis="0 0 1" range="-30 30" />
          <geom name="thigh_2" type="capsule" size="0.08" fromto="0 0 0 -0.2 0.2 0" />
          <body name="ankle_2_link" pos="-0.2 0.2 0">
            <joint name="ankle_2" type="hinge" axis="1 1 0" range="-70 -30" />
            <geom name="shin_2" type="capsule" size="0.08" fromto="0 0 0 -0.4 0.4 0" />
            <geom name="foot_2" class="foot" pos="-0.4 0.4 0" />
          </body>
        </body>
      </body>

      <body name="mount_3">
        <geom name="mount_3_capsule" type="capsule" size="0.08" fromto="0 0 0 -0.2 -0.2 0" />
        <body name="aux_3" pos="-0.2 -0.2 0">
          <joint name="hip_3" type="hinge" axis="0 0 1" range="-30 30" />
          <geom name="thigh_3" type="capsule" size="0.08" fromto="0 0 0 -0.2 -0.2 0" />
          <body name="ankle_3_link" pos="-0.2 -0.2 0">
            <joint name="ankle_3" type="hinge" axis="-1 1 0" range="-70 -30" />
            <geom name="shin_3" type="capsule" size="0.08" fromto="0 0 0 -0.4 -0.4 0" />
            <geom name="foot_3" class="foot" pos="-0.4 -0.4 0" />
          </body>
        </body>
      </body>

      <body name="mount_4">
        <geom name="mount_4_capsule" type="capsule" size="0.08" fromto="0 0 0 0.2 -0.2 0" />
        <body name="aux_4" pos="0.2 -0.2 0">
          <joint name="hip_4" type="hinge" axis="0 0 1" range="-30 30" />
          <geom name="thigh_4" type="capsule" size="0.08" fromto="0 0 0 0.2 -0.2 0" />
          <body name="ankle_4_link" pos="0.2 -0.2 0">
            <joint name="ankle_4" type="hinge" axis="1 1 0" range="30 70" />
            <geom name="shin_4" type="capsule" size="0.08" fromto="0 0 0 0.4 -0.4 0" />
            <geom name="foot_4" class="foot" pos="0.4 -0.4 0" />
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <!-- Actuator order differs from joint order: leg 4 first. -->
    <motor name="hip_4" joint="hip_4" gear="150" ctrlrange="-1 1" />
    <motor name="ankle_4" joint="ankle_4" gear="150" ctrlrange="-1 1" />
    <motor name="hip_1" joint="hip_1" gear="150" ctrlrange="-1 1" />
    <motor name="ankle_1" joint="ankle_1" gear="150" ctrlrange="-1 1" />
    <motor name="hip_2" joint="hip_2" gear="150" ctrlrange="-1 1" />
    <motor name="ankle_2" joint="ankle_2" gear="150" ctrlrange="-1 1" />
    <motor name="hip_3" joint="hip_3" gear="150" ctrlrange="-1 1" />
    <motor name="ankle_3" joint="ankle_3" gear="150" ctrlrange="-1 1" />
  </actuator>
</mujoco>
`;
