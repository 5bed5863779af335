import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// findBy*/waitFor wait up to 5 s (default 1 s): lazily loaded routes take longer on a busy 2-core machine,
// and a wait that passes returns as soon as the element is there.
configure({ asyncUtilTimeout: 5000 });

// Vitest globals are off, so Testing Library can't register its own cleanup.
afterEach(() => {
  cleanup();
});
