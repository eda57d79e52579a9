import Link from "next/link";
import { CodecDemo } from "@/components/codec-demo";

export const metadata = { title: "Codec round trip · Splitscope" };

export default function CodecPage() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <header className="mb-10">
        <p className="text-sm">
          <Link href="/" prefetch={false} className="underline">
            ← Splitscope playground
          </Link>
        </p>
        <h1 className="mt-2 text-3xl font-semibold tracking-tight">Codec round trip</h1>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          The entropy coder on its own: features become symbols, symbols become real bytes, and the bytes decode back into features.
        </p>
      </header>
      <CodecDemo />
    </main>
  );
}
