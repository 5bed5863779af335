const KNOWN_LABELS: Readonly<Record<string, string>> = {
  database: "Database",
  redis: "Redis",
  s3: "Object storage (S3)",
  rules_engine: "Rules engine",
};

/** Human label for a dependency check name, e.g. `rules_engine` → "Rules engine". */
export function checkLabel(name: string): string {
  const known = KNOWN_LABELS[name];
  if (known) return known;
  const spaced = name.replace(/[_-]+/g, " ").trim();
  return spaced ? spaced.charAt(0).toUpperCase() + spaced.slice(1) : name;
}

/** `1.7` → "1.7 ms", `5000` → "5.0 s". */
export function formatLatency(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
