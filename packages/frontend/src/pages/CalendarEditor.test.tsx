import { ApolloProvider } from "@apollo/client/react";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createApolloClient } from "../apollo/client.ts";
import { clearTokens } from "../auth/tokens.ts";
import { fakeApi, graphqlError } from "../test/network.ts";
import { MemoryRouter } from "react-router";
import CampaignsPage from "./CampaignsPage.tsx";

const list = () => ({ data: { campaigns: [], worlds: [] } });

function renderPage() {
  return render(
    <ApolloProvider client={createApolloClient()}>
      <MemoryRouter>
        <CampaignsPage />
      </MemoryRouter>
    </ApolloProvider>,
  );
}

beforeEach(() => {
  clearTokens();
  localStorage.clear();
});

async function startCustom(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("World name"), "Reedmarch");
  await user.selectOptions(screen.getByLabelText("Calendar"), "Custom calendar…");
  return screen.getByTestId("calendar-editor");
}

describe("custom calendar editor", () => {
  it("builds a calendar from months, weekdays, first year and era, and creates the world with it", async () => {
    const api = fakeApi({
      CampaignList: list,
      CreateWorld: ({ variables }) => ({
        data: { createWorld: { __typename: "World", id: "w9", name: "Reedmarch", description: "", calendar: (variables.input as { calendar: unknown }).calendar } },
      }),
    });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderPage();
    const editor = await startCustom(user);

    await user.type(within(editor).getByLabelText("Calendar name"), "Reed Count");
    await user.type(within(editor).getByLabelText("Month 1 name"), "Saltfall");
    await user.click(within(editor).getByRole("button", { name: "Add month" }));
    expect(within(editor).getByLabelText("Month 2 name")).toHaveFocus(); // the keyboard stays on the new month
    await user.keyboard("Reedrise");
    await user.clear(within(editor).getByLabelText("Month 2 days"));
    await user.type(within(editor).getByLabelText("Month 2 days"), "31");
    await user.click(within(editor).getByRole("button", { name: "Move month 2 up" }));
    expect(within(editor).getByLabelText("Month 1 name")).toHaveValue("Reedrise");
    expect(within(editor).getByLabelText("Month 1 name")).toHaveFocus();
    await user.click(within(editor).getByRole("button", { name: "Add month" }));
    await user.keyboard("Spare");
    await user.click(within(editor).getByRole("button", { name: "Remove month 3" }));
    expect(within(editor).getAllByTestId("calendar-month")).toHaveLength(2);
    await user.type(within(editor).getByLabelText("Weekdays"), "Oarday, Netday, Tarday");
    await user.selectOptions(within(editor).getByLabelText("Its first day is a"), "Netday");
    await user.clear(within(editor).getByLabelText("First year"));
    await user.type(within(editor).getByLabelText("First year"), "800");
    await user.type(within(editor).getByLabelText("Era name"), "Of the Reeds");
    await user.type(within(editor).getByLabelText("Era abbreviation"), "OR");
    expect(screen.getByTestId("calendar-summary")).toHaveTextContent("2 months, 61 days a year, 3-day weeks");
    await user.click(screen.getByRole("button", { name: "Create world" }));

    expect(await screen.findByText('World "Reedmarch" created (Reed Count calendar).')).toBeInTheDocument();
    expect(api.operations("CreateWorld")[0]!.variables).toEqual({
      input: {
        name: "Reedmarch",
        description: "",
        calendar: {
          name: "Reed Count",
          seconds_per_minute: 60,
          minutes_per_hour: 60,
          hours_per_day: 24,
          months: [
            { name: "Reedrise", days: 31 },
            { name: "Saltfall", days: 30 },
          ],
          weekdays: ["Oarday", "Netday", "Tarday"],
          epoch_year: 800,
          epoch_weekday: 1,
          eras: [{ name: "Of the Reeds", abbreviation: "OR", start_year: 1 }],
        },
      },
    });
  });

  it("shows what is wrong next to each field and sends nothing", async () => {
    const api = fakeApi({ CampaignList: list });
    vi.stubGlobal("fetch", api.fetch);
    const user = userEvent.setup();
    renderPage();
    const editor = await startCustom(user);
    await user.type(within(editor).getByLabelText("Month 1 name"), "Month1");
    await user.click(screen.getByRole("button", { name: "Create world" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("The calendar has 3 problems: see the marked fields.");
    expect(within(editor).getByText("Give the calendar a name.")).toBeInTheDocument();
    expect(within(editor).getByText("The month 1 name must not contain digits, commas or colons.")).toBeInTheDocument();
    expect(within(editor).getByText("Name at least one weekday.")).toBeInTheDocument();
    expect(within(editor).getByLabelText("Calendar name")).toHaveAttribute("aria-invalid", "true");
    await vi.waitFor(() => expect(within(editor).getByLabelText("Calendar name")).toHaveFocus());
    expect(api.operations("CreateWorld")).toHaveLength(0);
  });

  it("shows the API's answer when it refuses the calendar", async () => {
    vi.stubGlobal("fetch", fakeApi({ CampaignList: list, CreateWorld: () => graphqlError("VALIDATION_FAILED", "calendar: too many months") }).fetch);
    const user = userEvent.setup();
    renderPage();
    const editor = await startCustom(user);
    await user.type(within(editor).getByLabelText("Calendar name"), "Reed Count");
    await user.type(within(editor).getByLabelText("Month 1 name"), "Saltfall");
    await user.type(within(editor).getByLabelText("Weekdays"), "Oarday");
    await user.click(screen.getByRole("button", { name: "Create world" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("calendar: too many months");
  });
});
