import { StackStatus } from "../components/StackStatus.tsx";

export default function HomePage() {
  return (
    <div className="grid gap-6 md:grid-cols-[2fr_1fr]">
      <section aria-labelledby="welcome-title" className="space-y-3">
        <h2 id="welcome-title" className="text-lg font-semibold">
          Welcome
        </h2>
        <p className="text-slate-300">
          Plan sessions, track your party and keep your world consistent. Campaign tools will appear
          here as they are built.
        </p>
      </section>
      <StackStatus />
    </div>
  );
}
