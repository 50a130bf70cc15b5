import assert from "assert";
import { formatDuration, formatField, ProgressBar, renderBar } from "../lib/io/progress.ts";

Deno.test("progress: formatting helpers", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(75), "1:15");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(NaN), "?");
  assert.equal(formatField(0.123456), "0.1235");
  assert.equal(formatField(42), "42");
  assert.equal(formatField(1.5e-5), "1.500e-5");
  assert.equal(formatField("x"), "x");
  assert.equal(renderBar(0, 4), "    ");
  assert.equal(renderBar(1, 4), "████");
  assert.equal(renderBar(0.5, 4), "██  ");
  assert.equal(renderBar(0.5625, 4), "██▎ ");
  for (let i = 0; i <= 40; i++) assert.equal([...renderBar(i / 40, 7)].length, 7);
});

Deno.test("progress: TTY mode redraws in place with live fields, rate and ETA", () => {
  let t = 0;
  const out: string[] = [];
  const bar = new ProgressBar({
    total: 100,
    label: "epoch 1/3",
    tty: true,
    write: (s) => out.push(s),
    now: () => t,
    width: 10,
  });
  t = 1000;
  bar.update(50, { loss: 0.25, acc: 0.9 });
  assert.equal(out.length, 1);
  assert.ok(out[0].startsWith("\r\x1b[2K"));
  assert.match(
    out[0],
    /epoch 1\/3 {2}\[█████ {5}\] {2}50\/100 {2}loss 0\.2500 {2}acc 0\.9000 {2}50\.0 it\/s {2}ETA 0:01/,
  );
  t = 1050;
  bar.update(51); // within redrawMs: no redraw
  assert.equal(out.length, 1);
  t = 2000;
  bar.done({ loss: 0.2 });
  assert.equal(out.length, 2);
  assert.ok(out[1].endsWith("\n"));
  assert.match(out[1], /51\/100 {2}loss 0\.2000 {2}acc 0\.9000 {2}25\.5 it\/s {2}0:02/);
  bar.update(60);
  bar.done();
  assert.equal(out.length, 2, "no output after done()");
});

Deno.test("progress: without a TTY it prints a plain line every interval and at the end", () => {
  let t = 0;
  const out: string[] = [];
  const bar = new ProgressBar({
    total: 1000,
    tty: false,
    plainEveryMs: 5000,
    write: (s) => out.push(s),
    now: () => t,
  });
  for (let i = 1; i <= 1000; i++) {
    t = i * 12; // 12 s in all
    bar.update(i, { loss: 1 / i });
  }
  bar.done();
  assert.equal(out.length, 3); // at 5 s, 10 s, and done
  for (const line of out) {
    assert.ok(line.endsWith("\n"));
    assert.ok(!line.includes("\r") && !line.includes("\x1b"));
  }
  assert.match(out[0], /^\[.*\] {2}417\/1000/);
  assert.match(out[2], /1000\/1000/);
});
