"use client";

import { useEffect, useId, useState, type KeyboardEvent } from "react";
import { matchShowings, type ShowingOption } from "./showings";

/** More than this many matches are not drawn; typing narrows them. */
const MAX_SHOWN = 100;

interface Props {
  options: readonly ShowingOption[];
  /** The showing the Movie and Session fields name, when the programme has it. */
  chosenName: string | null;
  chosenSessionId: string | null;
  hint?: string | null;
  /** `keyboard` is true when the pick was made with Enter, so the desk can carry on to the seat map. */
  onPick: (option: ShowingOption, keyboard: boolean) => void;
}

/**
 * The Screening combobox (WAI-ARIA combobox with a listbox popup): typing filters the showings still on
 * sale, the first match is active so Enter takes it, arrows move, Escape closes. While the seller is not
 * typing, the input shows the showing the Movie and Session fields name.
 */
export function ScreeningPicker({ options, chosenName, chosenSessionId, hint, onPick }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const hintId = `${id}-hint`;
  // null: not typing, the input shows the chosen showing.
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);

  const matches = matchShowings(options, query ?? "");
  const shown = matches.slice(0, MAX_SHOWN);
  const current = open && active >= 0 && active < shown.length ? active : -1;
  const optionId = (i: number) => `${id}-option-${i}`;
  const activeId = current >= 0 ? optionId(current) : undefined;

  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: "nearest" });
  }, [activeId]);

  const close = () => {
    setOpen(false);
    setActive(-1);
    setQuery(null);
  };

  const pick = (option: ShowingOption, keyboard: boolean) => {
    close();
    onPick(option, keyboard);
  };

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        event.preventDefault();
        if (!open) {
          setOpen(true);
          // Alt+Down only opens, as native selects do; plain arrows also step onto the first (or last) option.
          if (event.altKey) return;
        }
        if (shown.length === 0) return;
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive(current < 0 ? (step === 1 ? 0 : shown.length - 1) : (current + step + shown.length) % shown.length);
        return;
      }
      case "Enter": {
        if (!open) return; // closed: Enter sells, as in every other field of the form
        event.preventDefault();
        const option = current >= 0 ? shown[current] : undefined;
        if (option) pick(option, true);
        else close();
        return;
      }
      case "Escape":
        if (open || query !== null) {
          event.preventDefault();
          close();
        }
        return;
    }
  }

  const chosenIndex = chosenSessionId ? shown.findIndex((option) => option.sessionId === chosenSessionId) : -1;

  return (
    <div className="relative flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-700">
        Screening
      </label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-expanded={open}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        aria-describedby={hint ? hintId : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={options.length > 0 ? "Type a film, hall or time" : "No showings on sale; use Movie and Session"}
        value={query ?? chosenName ?? ""}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
          setActive(event.target.value.trim() ? 0 : -1);
        }}
        onFocus={(event) => event.target.select()}
        onClick={() => setOpen(true)}
        onBlur={close}
        onKeyDown={onKeyDown}
        className="rounded-lg border border-slate-300 px-3 py-1.5 outline-none focus:border-amber-500 focus:ring-2 focus:ring-amber-200"
      />
      {hint ? (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <div
        hidden={!open}
        className="absolute inset-x-0 top-full z-20 mt-1 overflow-hidden rounded-lg border border-slate-300 bg-white shadow-lg"
      >
        <ul id={listId} role="listbox" aria-label="Screenings" className="max-h-80 overflow-y-auto py-1">
          {/* Drawn only while open: closed, the options would re-render with every sold count for nobody. */}
          {(open ? shown : []).map((option, i) => (
            <li
              key={option.sessionId}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              aria-label={`${option.name}, ${option.left > 0 ? `${option.left} left` : "sold out"}`}
              // Keeps focus in the input, so picking with the mouse does not blur (and close) the list first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(option, false)}
              onMouseMove={() => i !== current && setActive(i)}
              className={`flex cursor-pointer items-baseline gap-3 border-l-4 px-3 py-1.5 text-sm ${
                i === current ? "border-amber-500 bg-amber-50" : "border-transparent"
              }`}
            >
              <span className={`min-w-0 flex-1 truncate ${i === chosenIndex ? "font-semibold" : ""}`}>
                {i === chosenIndex ? <span aria-hidden>✓ </span> : null}
                {option.name}
              </span>
              <span className={`shrink-0 text-xs tabular-nums ${option.left > 0 ? "text-slate-600" : "font-semibold text-red-700"}`}>
                {option.left > 0 ? `${option.left} left` : "Sold out"}
              </span>
            </li>
          ))}
        </ul>
        {shown.length === 0 ? (
          <p className="px-3 py-2 text-sm text-slate-600">{options.length === 0 ? "No showings on sale." : "No showing matches."}</p>
        ) : null}
        {matches.length > shown.length ? (
          <p className="border-t border-slate-200 px-3 py-1.5 text-xs text-slate-600">
            {matches.length - shown.length} more: type to narrow.
          </p>
        ) : null}
      </div>
    </div>
  );
}
