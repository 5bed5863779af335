import { fireEvent, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { Json } from "./jsonLogic.ts";
import { RuleBuilder } from "./RuleBuilder.tsx";

function Harness({ initial, onValue }: { initial: Json; onValue(v: Json): void }) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <RuleBuilder
        value={value}
        onChange={(v) => {
          setValue(v);
          onValue(v);
        }}
        onError={setError}
        suggestions={["settlement.population"]}
      />
      <output data-testid="value">{JSON.stringify(value)}</output>
      <output data-testid="error">{error ?? ""}</output>
    </>
  );
}

function setup(initial: Json) {
  const onValue = vi.fn<(v: Json) => void>();
  const user = userEvent.setup();
  render(<Harness initial={initial} onValue={onValue} />);
  const value = () => JSON.parse(screen.getByTestId("value").textContent ?? "null") as Json;
  const jsonText = () => screen.getByLabelText<HTMLTextAreaElement>("Rule as JSON");
  return { user, onValue, value, jsonText };
}

describe("RuleBuilder", () => {
  it("edits a comparison in the builder and rewrites the JSON tab", async () => {
    const { user, value, jsonText } = setup({ and: [{ ">=": [{ var: "settlement.population" }, 0] }] });
    expect(screen.getByRole("tab", { name: "Builder" })).toHaveAttribute("aria-selected", "true");

    const threshold = screen.getByLabelText("Rule 1: right value");
    await user.clear(threshold);
    await user.type(threshold, "100");
    await user.selectOptions(screen.getByLabelText("Rule 1: comparison"), "<");
    expect(value()).toEqual({ and: [{ "<": [{ var: "settlement.population" }, 100] }] });

    await user.click(screen.getByRole("tab", { name: "JSON" }));
    expect(JSON.parse(jsonText().value)).toEqual({ and: [{ "<": [{ var: "settlement.population" }, 100] }] });
  });

  it("adds comparisons and groups, negates and removes rules", async () => {
    const { user, value } = setup({ and: [] });
    expect(screen.getByText("Empty: always true.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Rule: add comparison" }));
    await user.type(screen.getByLabelText("Rule 1: left variable"), "kingdom.level");
    await user.click(screen.getByRole("button", { name: "Rule: add group" }));
    await user.selectOptions(screen.getByLabelText("Rule 2.1: right kind"), "text");
    expect(screen.getByLabelText("Rule 2.1: right value")).toHaveValue("0"); // the number, now as text
    await user.clear(screen.getByLabelText("Rule 2.1: right value"));
    await user.type(screen.getByLabelText("Rule 2.1: right value"), "open");
    await user.click(screen.getByLabelText("Rule 2: not"));
    await user.selectOptions(screen.getByLabelText("Rule: match"), "or");
    expect(value()).toEqual({
      or: [{ ">=": [{ var: "kingdom.level" }, 0] }, { "!": [{ or: [{ ">=": [{ var: "" }, "open"] }] }] }],
    });

    await user.click(screen.getByLabelText("Rule 2: not"));
    await user.click(screen.getByRole("button", { name: "Remove Rule 1" }));
    expect(value()).toEqual({ or: [{ or: [{ ">=": [{ var: "" }, "open"] }] }] });
  });

  it("takes valid JSON into the builder and keeps the last valid rule on invalid JSON", async () => {
    const { user, value, jsonText, onValue } = setup({ ">": [{ var: "party.level" }, 2] });
    await user.click(screen.getByRole("tab", { name: "JSON" }));
    fireEvent.change(jsonText(), { target: { value: '{"or": [{"==": [{"var": "kingdom.level"}, 4]}, true]}' } });
    expect(value()).toEqual({ or: [{ "==": [{ var: "kingdom.level" }, 4] }, true] });

    fireEvent.change(jsonText(), { target: { value: '{"or": [' } });
    expect(screen.getByRole("alert")).toHaveTextContent("Invalid JSON");
    expect(screen.getByTestId("error")).toHaveTextContent("Invalid JSON");
    expect(jsonText()).toHaveAttribute("aria-invalid", "true");
    expect(jsonText().value).toBe('{"or": ['); // the text is kept for fixing
    expect(value()).toEqual({ or: [{ "==": [{ var: "kingdom.level" }, 4] }, true] });
    const calls = onValue.mock.calls.length;

    await user.click(screen.getByRole("tab", { name: "Builder" }));
    expect(screen.getByText(/The JSON tab has an error/)).toBeInTheDocument();
    expect(screen.getByLabelText<HTMLInputElement>("Rule 1: left variable").value).toBe("kingdom.level");
    expect(screen.getByLabelText<HTMLInputElement>("Rule 2: expression (JSON)").value).toBe("true");
    expect(onValue).toHaveBeenCalledTimes(calls);
  });

  it("moves between the tabs with the arrow keys", async () => {
    const { user } = setup({ and: [] });
    screen.getByRole("tab", { name: "Builder" }).focus();
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "JSON" })).toHaveFocus();
    expect(screen.getByRole("tab", { name: "JSON" })).toHaveAttribute("aria-selected", "true");
    await user.keyboard("{Home}");
    expect(screen.getByRole("tab", { name: "Builder" })).toHaveFocus();
  });

  it("offers to put a single comparison into a group", async () => {
    const { user, value } = setup({ "==": [{ var: "a" }, 1] });
    await user.click(screen.getByRole("button", { name: "Put in a group" }));
    expect(value()).toEqual({ and: [{ "==": [{ var: "a" }, 1] }] });
  });
});
