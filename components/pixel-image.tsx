"use client";

import { useEffect, useRef } from "react";

/** 8-bit grey or RGB pixels drawn as they are, scaled up with crisp pixels. */
export function PixelImage({
  pixels,
  width,
  height,
  channels,
  size,
  label,
}: {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
  size: number;
  label: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    const rgba = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
    for (let i = 0; i < width * height; i++) {
      for (let k = 0; k < 3; k++) rgba[4 * i + k] = pixels[i * channels + (channels === 1 ? 0 : k)];
      rgba[4 * i + 3] = 255;
    }
    ctx.putImageData(new ImageData(rgba, width, height), 0, 0);
  }, [pixels, width, height, channels]);
  return (
    <canvas
      ref={ref}
      width={width}
      height={height}
      role="img"
      aria-label={label}
      style={{ width: size, height: (size * height) / width, imageRendering: "pixelated" }}
      className="block rounded-sm"
    />
  );
}
