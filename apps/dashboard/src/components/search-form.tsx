import { type FormEvent, useEffect, useState } from "react";
import { useLocation, useSearchParamsUpdater } from "../router.tsx";

/**
 * A search box whose text lives in the URL's `param` (so a search can be
 * linked and survives a reload): typing edits a draft, submitting puts it
 * in the URL, and going back to another URL shows that URL's text.
 * Returns the submitted value and the form to render.
 */
export function useSearchForm(param: string, input: { label: string; placeholder: string }) {
  const { search } = useLocation();
  const setSearch = useSearchParamsUpdater();
  const value = search.get(param) ?? "";
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch({ [param]: text.trim() || undefined });
  };
  const form = (
    <form className="search" onSubmit={submit}>
      <input
        type="search"
        aria-label={input.label}
        placeholder={input.placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit" className="btn btn-primary">
        Search
      </button>
    </form>
  );
  return { value, form };
}
