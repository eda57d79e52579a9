"use client";

import { useEffect, useRef } from "react";

const SIZE = 224;

/** A square canvas to draw a digit on with mouse, pen or finger: white strokes on black, like the training digits. */
export function DrawPad({ onDrawn, onClear }: { onDrawn: (canvas: HTMLCanvasElement) => void; onClear: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);

  const clear = () => {
    const ctx = ref.current?.getContext("2d", { willReadFrequently: true });
    if (!ctx) return;
    ctx.fillStyle = "black";
    ctx.fillRect(0, 0, SIZE, SIZE);
  };
  useEffect(clear, []);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SIZE, y: ((e.clientY - r.top) / r.height) * SIZE };
  };
  const stroke = (to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext("2d", { willReadFrequently: true });
    if (!ctx) return;
    const from = last.current ?? to;
    ctx.strokeStyle = "white";
    ctx.lineWidth = SIZE / 12;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };

  return (
    <div className="space-y-2">
      <p id="draw-pad-needs" className="max-w-[168px] text-xs text-zinc-600 dark:text-zinc-400">
        Drawing needs a pointer (mouse, pen or touch); with a keyboard, pick a sample or upload a picture.
      </p>
      <canvas
        ref={ref}
        width={SIZE}
        height={SIZE}
        aria-label="Draw pad: draw a digit with the mouse or a finger"
        aria-describedby="draw-pad-needs"
        role="img"
        data-testid="draw-pad"
        className="block touch-none rounded-md border border-zinc-300 dark:border-zinc-700"
        style={{ width: 168, height: 168 }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = null;
          stroke(point(e));
        }}
        onPointerMove={(e) => {
          if (last.current) stroke(point(e));
        }}
        onPointerUp={(e) => {
          if (!last.current) return;
          last.current = null;
          onDrawn(e.currentTarget);
        }}
        onPointerCancel={() => (last.current = null)}
      />
      <button
        type="button"
        onClick={() => {
          clear();
          onClear();
        }}
        className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        Clear drawing
      </button>
    </div>
  );
}
