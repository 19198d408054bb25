import { test } from "node:test";
import assert from "node:assert/strict";
import { ChannelSlots } from "../../../src/transport/channelSlots.js";

test("never more than the limit at once, FIFO after that", async () => {
  const slots = new ChannelSlots(2);
  const order: number[] = [];
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 7 }, async (_, i) => {
      const release = await slots.acquire();
      order.push(i);
      peak = Math.max(peak, ++active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      release();
    }),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6]);
});

test("shrinkTo lowers the limit; close fails waiters and later callers", async () => {
  const slots = new ChannelSlots(3);
  const r1 = await slots.acquire();
  await slots.acquire();
  slots.shrinkTo(1);
  let third = false;
  const waiting = slots.acquire().then(() => (third = true));
  r1();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(third, false, "still one in use, limit is one");
  slots.close(new Error("gone"));
  await assert.rejects(waiting, /gone/);
  await assert.rejects(slots.acquire(), /gone/);
});
