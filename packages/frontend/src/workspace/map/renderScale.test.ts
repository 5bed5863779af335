import { describe, expect, it } from "vitest";
import { isSoftwareRenderer, pixelRatioFor, rendererName, SOFTWARE_PIXEL_BUDGET } from "./renderScale.ts";

function fakeGl(renderer: string, masked = false) {
  return {
    RENDERER: 0x1f01,
    getExtension: (name: string) => (name === "WEBGL_debug_renderer_info" && !masked ? { UNMASKED_RENDERER_WEBGL: 0x9246 } : null),
    getParameter: (p: number) => (p === 0x9246 ? renderer : masked ? "WebKit WebGL" : "generic"),
  };
}

describe("renderer detection", () => {
  it("recognises software renderers by the unmasked name", () => {
    expect(isSoftwareRenderer(fakeGl("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)"))).toBe(true);
    expect(isSoftwareRenderer(fakeGl("llvmpipe (LLVM 15.0.6, 256 bits)"))).toBe(true);
    expect(isSoftwareRenderer(fakeGl("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)"))).toBe(false);
  });

  it("falls back to the masked name and treats no context as hardware", () => {
    expect(rendererName(fakeGl("ignored", true))).toBe("WebKit WebGL");
    expect(isSoftwareRenderer(fakeGl("ignored", true))).toBe(false);
    expect(isSoftwareRenderer(null)).toBe(false);
  });
});

describe("pixelRatioFor", () => {
  it("uses the device ratio with a GPU", () => {
    expect(pixelRatioFor(1200, 800, 2, false)).toBe(2);
  });

  it("keeps a software-rendered frame within the pixel budget", () => {
    const ratio = pixelRatioFor(1000, 800, 1, true);
    expect(ratio).toBeLessThan(1);
    expect(1000 * ratio * 800 * ratio).toBeLessThanOrEqual(SOFTWARE_PIXEL_BUDGET * 1.02);
  });

  it("never draws sharper than the device or coarser than a quarter", () => {
    expect(pixelRatioFor(300, 200, 1, true)).toBe(1);
    expect(pixelRatioFor(20_000, 20_000, 1, true)).toBe(0.25);
    expect(pixelRatioFor(0, 0, 1.5, true)).toBe(1.5);
  });
});
