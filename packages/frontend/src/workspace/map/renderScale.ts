/**
 * Drawing resolution of the map. Without a GPU the browser renders WebGL in software (SwiftShader,
 * llvmpipe) and, compositing in software too, waits for every map frame on the page's main thread; a
 * frame then costs time in proportion to the canvas' pixels (~0.2 µs each on this project's 2-core
 * machine). On such a renderer the map is drawn at a resolution that keeps each frame short, and the
 * browser scales the canvas up: a softer picture instead of a page that freezes. With a GPU, the
 * device's pixel ratio is used as usual.
 */

/** Canvas pixels drawn per frame at most on a software renderer. */
export const SOFTWARE_PIXEL_BUDGET = 160_000;

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render driver/i;

/** The part of a WebGL context read here (structural: real contexts and test doubles both fit). */
interface GL {
  readonly RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}

/** The renderer's name as the driver reports it ("" when the browser hides it). */
export function rendererName(gl: GL | null): string {
  if (!gl) return "";
  const info = gl.getExtension("WEBGL_debug_renderer_info") as { UNMASKED_RENDERER_WEBGL: number } | null;
  const name: unknown = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  return typeof name === "string" ? name : "";
}

export function isSoftwareRenderer(gl: GL | null): boolean {
  return SOFTWARE.test(rendererName(gl));
}

/** The pixel ratio to draw a `width` × `height` (CSS pixels) map with. */
export function pixelRatioFor(width: number, height: number, devicePixelRatio: number, software: boolean): number {
  const device = devicePixelRatio > 0 ? devicePixelRatio : 1;
  if (!software || width <= 0 || height <= 0) return device;
  const capped = Math.sqrt(SOFTWARE_PIXEL_BUDGET / (width * height));
  return Math.min(device, Math.max(0.25, Math.round(capped * 100) / 100));
}
