/**
 * The HalfCheetah model as MJCF text. It lives in a module, not an .xml file, so that the package reads no
 * file when imported by URL or from JSR; this is the only copy (tests hand it to MuJoCo through MuJoCo's
 * virtual file system).
 *
 * @module
 */

/** MJCF (MuJoCo XML) of the HalfCheetah model, parsed by `loadMjcf`. */
export const HALF_CHEETAH_XML: string = `<!--
  Planar HalfCheetah for the locomotion suite (Brax v2 "halfcheetah" dynamics; written from
  reference/brax.md §1.2). The torso moves on stacked root joints (slide x, slide z, hinge y); six leg
  hinges about y carry springs, damping and limits. Masses are rescaled to 14 kg in total.
-->
<mujoco model="half_cheetah">
  <compiler angle="radian" inertiafromgeom="true" settotalmass="14" />
  <option timestep="0.01" iterations="4" gravity="0 0 -9.81" />
  <custom>
    <numeric name="solver_maxls" data="50" />
  </custom>
  <default>
    <joint armature="0.1" damping="0.01" stiffness="8" limited="true" solreflimit="0.02 1"
      solimplimit="0 0.8 0.03" />
    <geom contype="0" conaffinity="0" condim="3" friction="0.4 0.1 0.1" solref="0.02 1" solimp="0 0.8 0.01"
      rgba="0.8 0.6 0.4 1" />
    <motor ctrlrange="-1 1" />
    <default class="limb">
      <geom type="capsule" size="0.046" />
    </default>
  </default>
  <worldbody>
    <geom name="ground" type="plane" size="40 40 40" conaffinity="1" rgba="0.5 0.5 0.5 1" />
    <body name="torso" pos="0 0 0.7" childclass="limb">
      <joint name="rootx" type="slide" axis="1 0 0" armature="0" damping="0" stiffness="0" limited="false" />
      <joint name="rootz" type="slide" axis="0 0 1" armature="0" damping="0" stiffness="0" limited="false" />
      <joint name="rooty" type="hinge" axis="0 1 0" armature="0" damping="0" stiffness="0" limited="false" />
      <geom name="spine" fromto="-0.5 0 0 0.5 0 0" />
      <geom name="head" pos="0.6 0 0.1" axisangle="0 1 0 0.87" size="0.046 0.15" contype="1" />

      <body name="bthigh" pos="-0.5 0 0">
        <joint name="bthigh" axis="0 1 0" range="-0.52 1.05" stiffness="240" damping="6" />
        <geom name="bthigh" pos="0.1 0 -0.13" axisangle="0 1 0 -3.8" size="0.046 0.145" contype="1" />
        <body name="bshin" pos="0.16 0 -0.25">
          <joint name="bshin" axis="0 1 0" range="-0.785 0.785" stiffness="180" damping="4.5" />
          <geom name="bshin" pos="-0.14 0 -0.07" axisangle="0 1 0 -2.03" size="0.046 0.15" />
          <body name="bfoot" pos="-0.28 0 -0.14">
            <joint name="bfoot" axis="0 1 0" range="-0.4 0.785" stiffness="120" damping="3" />
            <geom name="bfoot" pos="0.03 0 -0.097" axisangle="0 1 0 -0.27" size="0.046 0.094" contype="1" />
          </body>
        </body>
      </body>

      <body name="fthigh" pos="0.5 0 0">
        <joint name="fthigh" axis="0 1 0" range="-1 0.7" stiffness="180" damping="4.5" />
        <geom name="fthigh" pos="-0.07 0 -0.12" axisangle="0 1 0 0.52" size="0.046 0.133" contype="1" />
        <body name="fshin" pos="-0.14 0 -0.24">
          <joint name="fshin" axis="0 1 0" range="-1.2 0.87" stiffness="120" damping="3" />
          <geom name="fshin" pos="0.065 0 -0.09" axisangle="0 1 0 -0.6" size="0.046 0.106" />
          <body name="ffoot" pos="0.13 0 -0.18">
            <joint name="ffoot" axis="0 1 0" range="-0.5 0.5" stiffness="60" damping="1.5" />
            <geom name="ffoot" pos="0.045 0 -0.07" axisangle="0 1 0 -0.6" size="0.046 0.07" contype="1" />
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="bthigh" joint="bthigh" gear="120" />
    <motor name="bshin" joint="bshin" gear="90" />
    <motor name="bfoot" joint="bfoot" gear="60" />
    <motor name="fthigh" joint="fthigh" gear="120" />
    <motor name="fshin" joint="fshin" gear="60" />
    <motor name="ffoot" joint="ffoot" gear="30" />
  </actuator>
</mujoco>
`;
