import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">
        There is nothing at this address.{" "}
        <Link href="/" className="underline">
          Go to the start page
        </Link>
        .
      </p>
    </main>
  );
}
