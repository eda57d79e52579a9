"use client";

import { useRef, useState } from "react";
import type { Framing } from "@/lib/image/prepare";
import type { ModelManifest } from "@/lib/models/manifest";
import type { Sample } from "@/lib/view/samples";
import { DrawPad } from "./draw-pad";
import { ErrorMessage } from "./error-message";
import { PixelImage } from "./pixel-image";
import { SampleRadios } from "./sample-radios";
import { readDrawing, readImageFile, type ImageRead } from "./read-image-file";

/**
 * The image the run uses: a gallery sample, an upload or a drawing (the last two live only in this tab). `blank`:
 * the prepared input is one shade, so whatever the model answers about it means nothing.
 */
export type InputChoice =
  | { kind: "sample"; id: string }
  | { kind: "upload"; name: string; pixels: Uint8Array; note: string; blank?: boolean }
  | { kind: "draw"; pixels: Uint8Array; blank?: boolean };

type UploadFraming = Extract<Framing, "crop" | "fit">;

/** What was done to an upload, in a line under its preview. */
function uploadNote(name: string, read: Extract<ImageRead, { ok: true }>, framing: UploadFraming, to: { width: number; height: number }): string {
  const size = `${to.width} × ${to.height}`;
  const how =
    framing === "crop"
      ? `centre ${Math.round(read.region.w)} × ${Math.round(read.region.h)} crop resized to ${size}`
      : `whole picture fitted (letterboxed) to ${size}`;
  const extras = [read.background ? `transparency on ${read.background}` : "", read.inverted ? "inverted (dark on light)" : ""].filter(Boolean);
  return [`${name}: ${read.width} × ${read.height}`, how, ...extras].join(", ");
}

const FRAMING_CHOICES: { value: UploadFraming; label: string; hint: string }[] = [
  { value: "crop", label: "Crop", hint: "centre square" },
  { value: "fit", label: "Fit", hint: "whole picture, letterboxed" },
];

export function InputPanel({
  manifest,
  samples,
  choice,
  onChoose,
}: {
  manifest: ModelManifest;
  samples: Sample[];
  choice: InputChoice | null;
  onChoose: (c: InputChoice) => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [framing, setFraming] = useState<UploadFraming>("crop");
  // The last upload, kept so that switching Crop / Fit prepares it again; a newer read supersedes an older one.
  const [lastFile, setLastFile] = useState<File | null>(null);
  const reads = useRef(0);
  const spec = manifest.input;
  const isDigits = spec.channels === 1;

  const takeFile = async (file: File | undefined, how = framing) => {
    if (!file) return;
    const mine = ++reads.current;
    setBusy(true);
    setProblem(null);
    let read: ImageRead;
    try {
      read = await readImageFile(file, spec, how);
    } catch (e) {
      read = { ok: false, problem: "undecodable", message: `"${file.name}" could not be prepared: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (mine !== reads.current) return;
    setBusy(false);
    if (!read.ok) {
      setProblem(read.message);
      return;
    }
    setLastFile(file);
    onChoose({ kind: "upload", name: file.name, pixels: read.pixels, note: uploadNote(file.name, read, how, spec), blank: read.blank });
  };

  const chooseFraming = (how: UploadFraming) => {
    setFraming(how);
    if (lastFile && choice?.kind === "upload") void takeFile(lastFile, how);
  };
  const blank = (choice?.kind === "upload" || choice?.kind === "draw") && choice.blank;

  return (
    <div className="space-y-4">
      <div>
        <p className="mb-1 text-sm font-medium" id="gallery-label">
          Samples
        </p>
        <SampleRadios samples={samples} chosen={choice?.kind === "sample" ? choice.id : null} onChoose={(id) => onChoose({ kind: "sample", id })} />
      </div>
      <div className="flex flex-wrap gap-6">
        <div
          className={`flex-1 space-y-2 rounded-md border border-dashed p-3 ${dragging ? "border-sky-500 bg-sky-50 dark:bg-sky-950" : "border-zinc-300 dark:border-zinc-700"}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            void takeFile(e.dataTransfer.files[0]);
          }}
        >
          <label className="block text-sm font-medium" htmlFor="upload-image">
            Upload image
          </label>
          <input
            id="upload-image"
            type="file"
            accept="image/*"
            className="block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-zinc-200 file:px-3 file:py-1.5 dark:file:bg-zinc-800 dark:file:text-zinc-100"
            onChange={(e) => {
              void takeFile(e.currentTarget.files?.[0]);
              e.currentTarget.value = "";
            }}
          />
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            or drop a picture here (PNG, JPEG, WebP, GIF or BMP). It is resized to {spec.width} × {spec.height}:
          </p>
          <fieldset className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            <legend className="float-left mr-1 font-medium">Framing:</legend>
            {FRAMING_CHOICES.map((f) => (
              <label key={f.value} className="flex items-center gap-1.5">
                <input type="radio" name="upload-framing" value={f.value} checked={framing === f.value} onChange={() => chooseFraming(f.value)} />
                {f.label}
                <span className="text-xs text-zinc-600 dark:text-zinc-400">({f.hint})</span>
              </label>
            ))}
          </fieldset>
          {busy ? (
            <p className="text-xs" aria-live="polite">
              Reading the picture…
            </p>
          ) : null}
          {problem ? <ErrorMessage message={problem} /> : null}
          {choice?.kind === "upload" ? (
            <div className="flex items-center gap-2" data-testid="upload-preview">
              <PixelImage
                pixels={choice.pixels}
                width={spec.width}
                height={spec.height}
                channels={spec.channels}
                size={56}
                label="the uploaded picture as the model sees it"
              />
              <p className="text-xs text-zinc-600 dark:text-zinc-400">{choice.note}</p>
            </div>
          ) : null}
        </div>
        {isDigits ? (
          <div>
            <p className="mb-1 text-sm font-medium">Draw</p>
            <DrawPad
              onDrawn={(canvas) => {
                const drawn = readDrawing(canvas, spec);
                if (drawn) onChoose({ kind: "draw", pixels: drawn.pixels, blank: drawn.blank });
              }}
              onClear={() => undefined}
            />
          </div>
        ) : null}
      </div>
      {blank ? (
        <p
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
        >
          This input is blank once prepared for the model (one shade, nothing to recognise): whatever the model answers about it means nothing.
        </p>
      ) : null}
    </div>
  );
}
