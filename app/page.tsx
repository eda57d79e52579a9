import { CodecDemo } from "@/components/codec-demo";

export default function Home() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <header className="mb-10">
        <h1 className="text-3xl font-semibold tracking-tight">Splitscope</h1>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          See what crosses the network when a neural network is split between a device and a server: features
          become symbols, symbols become real bytes, and the bytes decode back into features.
        </p>
      </header>
      <CodecDemo />
    </main>
  );
}
