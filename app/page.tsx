import Link from "next/link";
import { Playground } from "@/components/playground";

export default function Home() {
  return (
    <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
      <header className="mb-6">
        <h1 className="text-3xl font-semibold tracking-tight">Splitscope</h1>
        <p className="mt-2 max-w-3xl text-zinc-600 dark:text-zinc-400">
          A network cut in two: the head runs on the device, a small bottleneck unit squeezes its output into a real bitstream, and the server decodes the bytes
          and runs the tail. Pick a split point and a rate level and watch every step.{" "}
          <Link href="/codec/" prefetch={false} className="underline">
            The codec on its own
          </Link>
          .
        </p>
      </header>
      <Playground />
    </main>
  );
}
