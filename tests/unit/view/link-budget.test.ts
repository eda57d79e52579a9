import { describe, expect, it } from "vitest";
import { latencyOf, linkBudget, linkProblem, transmissionMs, type Cost, type LinkParams } from "@/lib/view/link-budget";

// A shallow cut sends many bytes and leaves most compute to the server; a deep one the reverse.
const shallow: Cost = { id: "shallow", name: "shallow", bytes: 5000, deviceMs: 1, serverMs: 10 };
const deep: Cost = { id: "deep", name: "deep", bytes: 50, deviceMs: 10, serverMs: 1 };
const image: Cost = { id: "jpeg", name: "image as JPEG", bytes: 3000, deviceMs: 0.5, serverMs: 11 };
const onDevice: Cost = { id: "device", name: "all on the device", bytes: 0, deviceMs: 11, serverMs: 0 };
const link = (p: Partial<LinkParams>): LinkParams => ({ uplinkKbps: 1000, roundTripMs: 20, deviceSpeed: 1, serverSpeed: 1, ...p });

describe("the link budget", () => {
  it("sends bytes x 8 bits at the uplink's kbit/s", () => {
    // 1000 bytes = 8000 bits; at 8 kbit/s that is one second.
    expect(transmissionMs(1000, 8)).toBe(1000);
    expect(transmissionMs(1000, 8000)).toBe(1);
  });

  it("adds device compute / device speed, transmission, round trip and server compute / server speed", () => {
    const p = link({ uplinkKbps: 400, roundTripMs: 30, deviceSpeed: 0.5, serverSpeed: 4 });
    const l = latencyOf(shallow, p);
    expect(l.device).toBe(shallow.deviceMs / 0.5);
    expect(l.transmission).toBe((shallow.bytes * 8) / 400);
    expect(l.roundTrip).toBe(30);
    expect(l.server).toBe(shallow.serverMs / 4);
    expect(l.total).toBeCloseTo(l.device + l.transmission + l.roundTrip + l.server, 12);
    // Nothing sent: no transmission, no round trip.
    expect(latencyOf(onDevice, p)).toMatchObject({ transmission: 0, roundTrip: 0, total: onDevice.deviceMs / 0.5 });
  });

  it("at a very slow uplink the deepest split wins, and running everything on the device beats every split", () => {
    const b = linkBudget([shallow, deep], [image, onDevice], link({ uplinkKbps: 1 }));
    // The wire dominates: 5000 vs 50 bytes at 1 kbit/s is 40 s vs 0.4 s.
    expect(b.best?.id).toBe("deep");
    expect(b.beatenBy?.id).toBe("device");
  });

  it("at a very fast uplink with a slow device, the shallow split wins and sending the image beats it", () => {
    const b = linkBudget([shallow, deep], [image, onDevice], link({ uplinkKbps: 1e9, deviceSpeed: 0.01, serverSpeed: 10 }));
    // Transmission is ~0: the device's share decides, 1 ms vs 10 ms of it, each 100 times slower on this device.
    expect(b.best?.id).toBe("shallow");
    // The image costs the device only its encoding (0.5 ms, less than the shallow head's 1 ms).
    expect(b.beatenBy?.id).toBe("jpeg");
  });

  it("raising the uplink moves the best split toward the shallow one, never back", () => {
    let seenShallow = false;
    for (const kbps of [1, 10, 100, 1e3, 1e4, 1e5, 1e6]) {
      const best = linkBudget([shallow, deep], [], link({ uplinkKbps: kbps, deviceSpeed: 0.1 })).best!.id;
      if (best === "shallow") seenShallow = true;
      else expect(seenShallow, `${kbps} kbit/s`).toBe(false);
    }
    expect(seenShallow).toBe(true);
  });

  it("refuses figures it cannot use, with a sentence, and takes good ones", () => {
    expect(linkProblem(link({ uplinkKbps: 0 }))).toMatch(/uplink/);
    expect(linkProblem(link({ uplinkKbps: NaN }))).toMatch(/uplink/);
    expect(linkProblem(link({ roundTripMs: -1 }))).toMatch(/round trip/);
    expect(linkProblem(link({ deviceSpeed: 0 }))).toMatch(/device speed/);
    expect(linkProblem(link({ serverSpeed: -2 }))).toMatch(/server speed/);
    expect(linkProblem(link({}))).toBeNull();
  });

  it("has no best split without splits", () => {
    expect(linkBudget([], [image], link({})).best).toBeNull();
  });
});
